/**
 * The vocabulary of the API description: every named schema (one wire schema, one component
 * name) and the shape of one operation. The operations themselves live in operations-*.ts; the
 * OpenAPI document is built from them in document.ts.
 */
import * as W from '@dodo-portal/wire/schemas';
import { z } from 'zod';
import { WebhookPayloads } from './webhook-payloads.ts';

/**
 * Response bodies and the building blocks shared by requests and responses, by component name.
 * Pages the wire does not export by name are made here with the wire's own `page()`.
 */
export const ResponseSchemas = {
  ErrorBody: W.ErrorBody,
  BillingAddress: W.BillingAddress,
  Brand: W.Brand,
  Customer: W.Customer,
  ProductUsage: W.ProductUsage,
  LicenseKeySettings: W.LicenseKeySettings,
  InvoiceLineItem: W.InvoiceLineItem,
  CreditBalance: W.CreditBalance,
  PortalProduct: W.PortalProduct,
  PlanOption: W.PlanOption,
  WebhookAttempt: W.WebhookAttempt,
  CustomerPage: W.page(W.Customer),
  PaymentMethod: W.PaymentMethod,
  PortalSession: W.PortalSession,
  MagicLink: W.MagicLink,
  PortalInvite: W.PortalInvite,
  PortalAccessRevoked: W.PortalAccessRevoked,
  Invoice: W.Invoice,
  InvoicePage: W.InvoicePage,
  BusinessSettings: W.BusinessSettings,
  Product: W.Product,
  ProductPage: W.ProductPage,
  ProductCollection: W.ProductCollection,
  ProductCollectionPage: W.ProductCollectionPage,
  Subscription: W.Subscription,
  SubscriptionPage: W.SubscriptionPage,
  Payment: W.Payment,
  PaymentPage: W.PaymentPage,
  Refund: W.Refund,
  RefundPage: W.RefundPage,
  TestClock: W.TestClock,
  WebhookEndpoint: W.WebhookEndpoint,
  WebhookEndpointCreated: W.WebhookEndpointCreated,
  WebhookEndpointPage: W.WebhookEndpointPage,
  WebhookDelivery: W.WebhookDelivery,
  WebhookDeliveryPage: W.WebhookDeliveryPage,
  UsageEvent: W.UsageEvent,
  LicenseKey: W.LicenseKey,
  LicenseKeyPage: W.LicenseKeyPage,
  LicenseKeyInstance: W.LicenseKeyInstance,
  LicenseKeyInstanceList: W.LicenseKeyInstanceList,
  LicenseActivated: W.LicenseActivated,
  LicenseValidation: W.LicenseValidation,
  LoginAccepted: W.LoginAccepted,
  MagicLinkExchanged: W.MagicLinkExchanged,
  PortalSessionInfo: W.PortalSessionInfo,
  UnifiedBusiness: W.UnifiedBusiness,
  UnifiedBusinessList: W.UnifiedBusinessList,
  PortalSubscription: W.PortalSubscription,
  PortalSubscriptionPage: W.PortalSubscriptionPage,
  PlanOptions: W.PlanOptions,
  ChangePlanPreview: W.ChangePlanPreview,
  ChangePlanResult: W.ChangePlanResult,
  Dues: W.Dues,
  SubscriptionPaymentMethodResult: W.SubscriptionPaymentMethodResult,
  PayInvoiceResult: W.PayInvoiceResult,
  PortalPaymentMethod: W.PortalPaymentMethod,
  PortalPaymentMethodList: W.PortalPaymentMethodList,
  Profile: W.Profile,
  PortalLicenseKey: W.PortalLicenseKey,
  PortalLicenseKeyList: W.PortalLicenseKeyList,
  CardTokenCreated: W.CardTokenCreated,
  ...WebhookPayloads,
} satisfies Record<string, z.ZodType>;
export type ResponseName = keyof typeof ResponseSchemas;

/**
 * Request bodies, exactly as the routes parse them (`.strict()` where the route adds it: unknown
 * fields are refused with 400 `invalid_request`).
 */
export const RequestSchemas = {
  CreateCustomerBody: W.CreateCustomerBody.strict(),
  UpdateCustomerBody: W.UpdateCustomerBody.strict(),
  AttachPaymentMethodBody: W.AttachPaymentMethodBody.strict(),
  CreatePortalSessionBody: W.CreatePortalSessionBody.strict(),
  CreateMagicLinkBody: W.CreateMagicLinkBody.strict(),
  CreateInvoiceBody: W.CreateInvoiceBody.strict(),
  UpdateBusinessBody: W.UpdateBusinessBody.strict(),
  CreateProductBody: W.CreateProductBody.strict(),
  CreateProductCollectionBody: W.CreateProductCollectionBody.strict(),
  UpdateProductCollectionBody: W.UpdateProductCollectionBody.strict(),
  CreateSubscriptionBody: W.CreateSubscriptionBody.strict(),
  UpdateSubscriptionBody: W.UpdateSubscriptionBody.strict(),
  CreatePaymentBody: W.CreatePaymentBody.strict(),
  CreateRefundBody: W.CreateRefundBody.strict(),
  AdvanceTestClockBody: W.AdvanceTestClockBody,
  CreateWebhookEndpointBody: W.CreateWebhookEndpointBody.strict(),
  CreateUsageEventBody: W.CreateUsageEventBody.strict(),
  UpdateLicenseKeyBody: W.UpdateLicenseKeyBody,
  ActivateLicenseBody: W.ActivateLicenseBody,
  ValidateLicenseBody: W.ValidateLicenseBody,
  DeactivateLicenseBody: W.DeactivateLicenseBody,
  LoginBody: W.LoginBody.strict(),
  ExchangeMagicLinkBody: W.ExchangeMagicLinkBody.strict(),
  UnifiedLoginBody: W.UnifiedLoginBody.strict(),
  CancelSubscriptionBody: W.CancelSubscriptionBody,
  ChangePlanBody: W.ChangePlanBody,
  SetSubscriptionPaymentMethodBody: W.SetSubscriptionPaymentMethodBody,
  DeletePaymentMethodBody: W.DeletePaymentMethodBody,
  PayInvoiceBody: W.PayInvoiceBody,
  UpdateProfileBody: W.UpdateProfileBody,
  CreateCardTokenBody: W.CreateCardTokenBody.strict(),
} satisfies Record<string, z.ZodType>;
export type RequestName = keyof typeof RequestSchemas;

/** Who may call an operation. */
export type Auth =
  /** `Authorization: Bearer sk_test_…|sk_live_…`: the merchant's secret key (the mode is the key's). */
  | 'secretKey'
  /** `Authorization: Bearer dps_…`: a portal session of one customer of one business in one mode. */
  | 'sessionToken'
  /** `Authorization: Bearer dpu_…`: a unified-portal session of one email in one mode. */
  | 'unifiedToken'
  /** No credential (the license key in the body, or client-side card tokenization). */
  | 'none';

export type Method = 'get' | 'post' | 'patch' | 'delete';

export interface Operation {
  method: Method;
  /** OpenAPI style: `/v1/customers/{customer_id}`. */
  path: string;
  operationId: string;
  tag: string;
  summary: string;
  description?: string;
  auth: Auth;
  /** The query schema the route parses (each property becomes a query parameter). */
  query?: z.ZodObject;
  /** The request body; `optional` when an empty body counts as `{}`. */
  body?: { name: RequestName; optional?: boolean };
  /** Success responses: status → a named schema, or null for an empty body (204) / a file. */
  responses: Record<number, { description: string; schema: ResponseName | null; contentType?: string }>;
  /** Error codes this operation returns beyond the ones every call of its kind may return (see document.ts). */
  errors?: Record<number, string[]>;
  /** `Idempotency-Key` is honoured (a replay returns the first response). */
  idempotent?: boolean;
  /** Rate limited per client IP (or key): 429 `rate_limited` with `Retry-After`. */
  rateLimited?: boolean;
}

/** The path parameters, with what they are; every `{param}` of a path must be here. */
export const PathParams: Record<string, string> = {
  customer_id: 'The customer.',
  invoice_id: 'The invoice.',
  product_id: 'The product.',
  collection_id: 'The product collection.',
  subscription_id: 'The subscription.',
  payment_id: 'The payment.',
  refund_id: 'The refund.',
  webhook_endpoint_id: 'The webhook endpoint.',
  license_key_id: 'The license key.',
  instance_id: 'The activation (license key instance).',
  payment_method_id: 'The saved card.',
  business_id: 'The business.',
};
