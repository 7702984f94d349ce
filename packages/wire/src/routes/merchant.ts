/**
 * The merchant API (`/v1`, the business's secret key). Every POST honours `Idempotency-Key`.
 * Error codes listed here are the ones the route's services raise; the OpenAPI document adds
 * those every call of its kind can return.
 */
import * as W from '../schemas.ts';
import { Bodies, Components } from './components.ts';
import type { RouteContract } from './contract.ts';

const CHARGE_ERRORS = { 402: ['payment_failed'], 503: ['processor_not_configured'] } as const;

export const merchantRoutes = {
  // Customers
  createCustomer: {
    method: 'post', path: '/v1/customers', operationId: 'createCustomer', tag: 'Customers', auth: 'secretKey', idempotent: true,
    summary: 'Create a customer',
    description: "`locale` (BCP 47) defaults to the business's `default_locale` and sets the language of the customer's emails. The email is unique per business and mode.",
    body: { schema: Bodies.CreateCustomerBody },
    responses: { 201: { description: 'The new customer.', schema: Components.Customer } },
    errors: { 409: ['customer_exists'] },
  },
  listCustomers: {
    method: 'get', path: '/v1/customers', operationId: 'listCustomers', tag: 'Customers', auth: 'secretKey',
    summary: 'List customers', description: '`email` finds the customer with that email.',
    query: W.CustomerListQuery.strict(),
    responses: { 200: { description: 'A page of customers.', schema: Components.CustomerPage } },
  },
  getCustomer: {
    method: 'get', path: '/v1/customers/{customer_id}', operationId: 'getCustomer', tag: 'Customers', auth: 'secretKey',
    summary: 'Get a customer',
    responses: { 200: { description: 'The customer.', schema: Components.Customer } },
  },
  updateCustomer: {
    method: 'patch', path: '/v1/customers/{customer_id}', operationId: 'updateCustomer', tag: 'Customers', auth: 'secretKey',
    summary: 'Update a customer', description: 'Only the fields given change; `billing_address: null` removes the address.',
    body: { schema: Bodies.UpdateCustomerBody },
    responses: { 200: { description: 'The customer after the change.', schema: Components.Customer } },
    errors: { 409: ['customer_exists'] },
  },
  attachPaymentMethod: {
    method: 'post', path: '/v1/customers/{customer_id}/payment-methods', operationId: 'attachPaymentMethod', tag: 'Customers', auth: 'secretKey', idempotent: true,
    summary: 'Save a card for a customer',
    description: 'Takes a processor card token (`POST /sandbox/v1/tokens` in test mode), never a card number. The processor verifies the card first (no charge): a refused card answers 402 `payment_failed` with its `decline_code` and nothing is saved. Attaching the same token again answers 200 with the saved card.',
    body: { schema: Bodies.AttachPaymentMethodBody },
    responses: { 201: { description: 'The saved card.', schema: Components.PaymentMethod }, 200: { description: 'The token was attached before: the saved card.', schema: Components.PaymentMethod } },
    errors: CHARGE_ERRORS,
  },
  // Customer portal access
  createPortalSession: {
    method: 'post', path: '/v1/customers/{customer_id}/customer-portal/session', operationId: 'createPortalSession', tag: 'Customer portal access', auth: 'secretKey', idempotent: true,
    summary: 'Open a portal session for a customer',
    description: 'Returns a session token for the embedded elements and a link to the hosted portal. With `send_email: true` the link is also emailed in the customer\'s locale. The body may be empty.',
    body: { schema: Bodies.CreatePortalSessionBody, optional: true },
    responses: { 201: { description: 'The session.', schema: Components.PortalSession } },
    errors: { 502: ['email_failed'], 503: ['email_not_configured'] },
  },
  createMagicLink: {
    method: 'post', path: '/v1/customers/{customer_id}/customer-portal/magic-link', operationId: 'createMagicLink', tag: 'Customer portal access', auth: 'secretKey', idempotent: true,
    summary: 'Create a one-time magic link', description: 'A link that opens a portal session once, within 24 hours. The body may be empty.',
    body: { schema: Bodies.CreateMagicLinkBody, optional: true },
    responses: { 201: { description: 'The link.', schema: Components.MagicLink } },
  },
  getPortalInvite: {
    method: 'get', path: '/v1/customers/{customer_id}/customer-portal/invite', operationId: 'getPortalInvite', tag: 'Customer portal access', auth: 'secretKey',
    summary: 'Get the invite for a customer', description: "The business's static login link (never expires) and a fresh one-time magic link.",
    responses: { 200: { description: 'The invite.', schema: Components.PortalInvite } },
  },
  revokePortalAccess: {
    method: 'post', path: '/v1/customers/{customer_id}/customer-portal/sessions/revoke', operationId: 'revokePortalAccess', tag: 'Customer portal access', auth: 'secretKey', idempotent: true,
    summary: "End every portal session and unused magic link of a customer",
    description:
      "Call it when the customer logs out of your site: every portal session of the customer in the key's business and mode (embedded, hosted, emailed, or opened through the unified portal) answers 401 from then on, and no magic link issued before can be exchanged. No body. Calling it again revokes nothing more and answers zeros.",
    responses: { 200: { description: 'What was ended.', schema: Components.PortalAccessRevoked } },
  },
  // Invoices
  createInvoice: {
    method: 'post', path: '/v1/invoices', operationId: 'createInvoice', tag: 'Invoices', auth: 'secretKey', idempotent: true,
    summary: 'Issue a one-off invoice', description: 'Numbers are sequential per business and mode, without gaps.',
    body: { schema: Bodies.CreateInvoiceBody },
    responses: { 201: { description: 'The invoice.', schema: Components.Invoice } },
  },
  listInvoices: {
    method: 'get', path: '/v1/invoices', operationId: 'listInvoices', tag: 'Invoices', auth: 'secretKey',
    summary: 'List invoices', query: W.InvoiceListQuery.strict(),
    responses: { 200: { description: 'A page of invoices.', schema: Components.InvoicePage } },
  },
  getInvoice: {
    method: 'get', path: '/v1/invoices/{invoice_id}', operationId: 'getInvoice', tag: 'Invoices', auth: 'secretKey',
    summary: 'Get an invoice', description: 'With its line items, tax, refunds and the billing address as it was when issued.',
    responses: { 200: { description: 'The invoice.', schema: Components.Invoice } },
  },
  // Business
  getBusiness: {
    method: 'get', path: '/v1/business', operationId: 'getBusiness', tag: 'Business', auth: 'secretKey',
    summary: "Get the business's settings",
    responses: { 200: { description: 'The settings.', schema: Components.BusinessSettings } },
  },
  updateBusiness: {
    method: 'patch', path: '/v1/business', operationId: 'updateBusiness', tag: 'Business', auth: 'secretKey',
    summary: "Update the business's settings", description: 'What customers may do in the portal, proration, allowed origins, return URL, locale and brand.',
    body: { schema: Bodies.UpdateBusinessBody },
    responses: { 200: { description: 'The settings after the change.', schema: Components.BusinessSettings } },
  },
  // Products
  createProduct: {
    method: 'post', path: '/v1/products', operationId: 'createProduct', tag: 'Products', auth: 'secretKey', idempotent: true,
    summary: 'Create a product', description: '`price` in minor units of `currency`; `interval` for subscriptions; `usage` for usage-based plans; `license_key` to issue license keys on purchase.',
    body: { schema: Bodies.CreateProductBody },
    responses: { 201: { description: 'The product.', schema: Components.Product } },
  },
  listProducts: {
    method: 'get', path: '/v1/products', operationId: 'listProducts', tag: 'Products', auth: 'secretKey',
    summary: 'List products', query: W.ProductListQuery.strict(),
    responses: { 200: { description: 'A page of products.', schema: Components.ProductPage } },
  },
  getProduct: {
    method: 'get', path: '/v1/products/{product_id}', operationId: 'getProduct', tag: 'Products', auth: 'secretKey',
    summary: 'Get a product',
    responses: { 200: { description: 'The product.', schema: Components.Product } },
  },
  // Product collections
  createProductCollection: {
    method: 'post', path: '/v1/product-collections', operationId: 'createProductCollection', tag: 'Product collections', auth: 'secretKey', idempotent: true,
    summary: 'Create a product collection', description: 'The tiers a subscription can move between, ordered from lowest to highest.',
    body: { schema: Bodies.CreateProductCollectionBody },
    responses: { 201: { description: 'The collection.', schema: Components.ProductCollection } },
    errors: { 409: ['conflict'] },
  },
  listProductCollections: {
    method: 'get', path: '/v1/product-collections', operationId: 'listProductCollections', tag: 'Product collections', auth: 'secretKey',
    summary: 'List product collections', query: W.ListQuery.strict(),
    responses: { 200: { description: 'A page of collections.', schema: Components.ProductCollectionPage } },
  },
  getProductCollection: {
    method: 'get', path: '/v1/product-collections/{collection_id}', operationId: 'getProductCollection', tag: 'Product collections', auth: 'secretKey',
    summary: 'Get a product collection',
    responses: { 200: { description: 'The collection.', schema: Components.ProductCollection } },
  },
  updateProductCollection: {
    method: 'patch', path: '/v1/product-collections/{collection_id}', operationId: 'updateProductCollection', tag: 'Product collections', auth: 'secretKey',
    summary: 'Rename, reorder, add or remove tiers',
    body: { schema: Bodies.UpdateProductCollectionBody },
    responses: { 200: { description: 'The collection after the change.', schema: Components.ProductCollection } },
    errors: { 409: ['conflict'] },
  },
  // Subscriptions
  createSubscription: {
    method: 'post', path: '/v1/subscriptions', operationId: 'createSubscription', tag: 'Subscriptions', auth: 'secretKey', idempotent: true,
    summary: 'Create a subscription (charges the first period)',
    description: 'Charges price × quantity plus add-ons with `card_token` or `payment_method_id`. On success the subscription is `active` with a paid invoice and a payment; a declined card answers 402 and leaves no subscription behind.',
    body: { schema: Bodies.CreateSubscriptionBody },
    responses: { 201: { description: 'The active subscription.', schema: Components.Subscription } },
    errors: CHARGE_ERRORS,
  },
  listSubscriptions: {
    method: 'get', path: '/v1/subscriptions', operationId: 'listSubscriptions', tag: 'Subscriptions', auth: 'secretKey',
    summary: 'List subscriptions', query: W.SubscriptionListQuery.strict(),
    responses: { 200: { description: 'A page of subscriptions.', schema: Components.SubscriptionPage } },
  },
  getSubscription: {
    method: 'get', path: '/v1/subscriptions/{subscription_id}', operationId: 'getSubscription', tag: 'Subscriptions', auth: 'secretKey',
    summary: 'Get a subscription',
    responses: { 200: { description: 'The subscription.', schema: Components.Subscription } },
  },
  updateSubscription: {
    method: 'patch', path: '/v1/subscriptions/{subscription_id}', operationId: 'updateSubscription', tag: 'Subscriptions', auth: 'secretKey',
    summary: "Switch a subscription's card or schedule its cancellation",
    description: 'The card (`payment_method_id` or `card_token`) is the one future charges use; a new `card_token` is verified by the processor (no charge) before it is saved, 402 `payment_failed` if refused. `cancel_at_period_end` schedules or undoes the end of the subscription.',
    body: { schema: Bodies.UpdateSubscriptionBody },
    responses: { 200: { description: 'The subscription after the change.', schema: Components.Subscription } },
    errors: { ...CHARGE_ERRORS, 409: ['conflict'] },
  },
  // Payments
  createPayment: {
    method: 'post', path: '/v1/payments', operationId: 'createPayment', tag: 'Payments', auth: 'secretKey', idempotent: true,
    summary: 'Charge a one-time purchase', description: 'Issues a paid invoice and, for licensed products, license keys. A declined card answers 402 `payment_failed` (the failed attempt is recorded).',
    body: { schema: Bodies.CreatePaymentBody },
    responses: { 201: { description: 'The succeeded payment.', schema: Components.Payment } },
    errors: CHARGE_ERRORS,
  },
  listPayments: {
    method: 'get', path: '/v1/payments', operationId: 'listPayments', tag: 'Payments', auth: 'secretKey',
    summary: 'List payments', description: 'Every charge attempt, failed and refunded ones included.', query: W.PaymentListQuery.strict(),
    responses: { 200: { description: 'A page of payments.', schema: Components.PaymentPage } },
  },
  getPayment: {
    method: 'get', path: '/v1/payments/{payment_id}', operationId: 'getPayment', tag: 'Payments', auth: 'secretKey',
    summary: 'Get a payment',
    responses: { 200: { description: 'The payment.', schema: Components.Payment } },
  },
  // Refunds
  createRefund: {
    method: 'post', path: '/v1/refunds', operationId: 'createRefund', tag: 'Refunds', auth: 'secretKey', idempotent: true,
    summary: 'Refund a payment, fully or in part', description: 'Without `amount` the rest of the payment is refunded. Refunds never exceed the payment in total.',
    body: { schema: Bodies.CreateRefundBody },
    responses: { 201: { description: 'The refund.', schema: Components.Refund } },
    errors: { 404: ['not_found'], 409: ['refund_exceeds_payment'], 502: ['refund_failed'], 503: ['processor_not_configured'] },
  },
  listRefunds: {
    method: 'get', path: '/v1/refunds', operationId: 'listRefunds', tag: 'Refunds', auth: 'secretKey',
    summary: 'List refunds', query: W.RefundListQuery.strict(),
    responses: { 200: { description: 'A page of refunds.', schema: Components.RefundPage } },
  },
  getRefund: {
    method: 'get', path: '/v1/refunds/{refund_id}', operationId: 'getRefund', tag: 'Refunds', auth: 'secretKey',
    summary: 'Get a refund',
    responses: { 200: { description: 'The refund.', schema: Components.Refund } },
  },
  // Test clock
  getTestClock: {
    method: 'get', path: '/v1/test-clock', operationId: 'getTestClock', tag: 'Test clock', auth: 'secretKey',
    summary: "Read the business's test-mode clock", description: 'Test keys only. The clock is frozen between advances.',
    responses: { 200: { description: 'The clock.', schema: Components.TestClock } },
    errors: { 403: ['test_mode_only'] },
  },
  advanceTestClock: {
    method: 'post', path: '/v1/test-clock/advance', operationId: 'advanceTestClock', tag: 'Test clock', auth: 'secretKey', idempotent: true,
    summary: 'Advance the test-mode clock',
    description:
      'By `seconds`, or to the instant `to` (not in the past), at most two 366-day years (63244800 seconds) per call: further → 400 `test_clock_advance_too_far` (advance in steps). Runs every renewal, cancellation and webhook that fell due before answering, in batches that leave the server answering other requests meanwhile. Test keys only.',
    body: { schema: Bodies.AdvanceTestClockBody },
    responses: { 200: { description: 'The clock after the advance, and what it ran.', schema: Components.TestClock } },
    errors: { 400: ['test_clock_advance_too_far'], 403: ['test_mode_only'] },
  },
  // Webhook endpoints
  createWebhookEndpoint: {
    method: 'post', path: '/v1/webhook-endpoints', operationId: 'createWebhookEndpoint', tag: 'Webhook endpoints', auth: 'secretKey', idempotent: true,
    summary: 'Add a webhook endpoint',
    description: 'Deliveries follow Standard Webhooks (`webhook-id`, `webhook-timestamp`, `webhook-signature: v1,<base64 HMAC-SHA256>`). The signing secret is shown only in this answer. Live mode refuses private and loopback addresses.',
    body: { schema: Bodies.CreateWebhookEndpointBody },
    responses: { 201: { description: 'The endpoint and its signing secret.', schema: Components.WebhookEndpointCreated } },
  },
  listWebhookEndpoints: {
    method: 'get', path: '/v1/webhook-endpoints', operationId: 'listWebhookEndpoints', tag: 'Webhook endpoints', auth: 'secretKey',
    summary: 'List webhook endpoints', query: W.ListQuery.strict(),
    responses: { 200: { description: 'A page of endpoints (without secrets).', schema: Components.WebhookEndpointPage } },
  },
  listWebhookDeliveries: {
    method: 'get', path: '/v1/webhook-endpoints/{webhook_endpoint_id}/deliveries', operationId: 'listWebhookDeliveries', tag: 'Webhook endpoints', auth: 'secretKey',
    summary: "List an endpoint's deliveries", description: 'Each delivery with its payload and every attempt.', query: W.ListQuery.strict(),
    responses: { 200: { description: 'A page of deliveries.', schema: Components.WebhookDeliveryPage } },
  },
  // Usage events
  createUsageEvent: {
    method: 'post', path: '/v1/usage-events', operationId: 'createUsageEvent', tag: 'Usage events', auth: 'secretKey', idempotent: true,
    summary: 'Record metered usage', description: 'Idempotent on `event_id`: sending an event again records nothing new and answers 200 with the stored one. Billed on the renewal invoice of the period it fell in.',
    body: { schema: Bodies.CreateUsageEventBody },
    responses: { 201: { description: 'The recorded event.', schema: Components.UsageEvent }, 200: { description: 'The event was recorded before.', schema: Components.UsageEvent } },
    errors: { 409: ['conflict'] },
  },
  // License keys
  listLicenseKeys: {
    method: 'get', path: '/v1/license-keys', operationId: 'listLicenseKeys', tag: 'License keys', auth: 'secretKey',
    summary: 'List license keys', description: 'Keys are masked in lists.', query: W.LicenseKeyListQuery.strict(),
    responses: { 200: { description: 'A page of license keys.', schema: Components.LicenseKeyPage } },
  },
  getLicenseKey: {
    method: 'get', path: '/v1/license-keys/{license_key_id}', operationId: 'getLicenseKey', tag: 'License keys', auth: 'secretKey',
    summary: 'Get a license key', description: 'The one read that reveals `key`.',
    responses: { 200: { description: 'The license key with `key`.', schema: Components.LicenseKey } },
  },
  updateLicenseKey: {
    method: 'patch', path: '/v1/license-keys/{license_key_id}', operationId: 'updateLicenseKey', tag: 'License keys', auth: 'secretKey',
    summary: 'Disable, re-enable or change the limits of a license key',
    body: { schema: Bodies.UpdateLicenseKeyBody },
    responses: { 200: { description: 'The license key after the change.', schema: Components.LicenseKey } },
  },
} as const satisfies Record<string, RouteContract>;
