/**
 * The portal API (`/portal/v1`, a customer's session token), with its sign-in calls (no token)
 * and the unified portal (its own token). Everything behind a session is scoped to its customer:
 * another customer's object is 404 `not_found`, never 403.
 */
import * as W from '../schemas.ts';
import { Bodies, Components } from './components.ts';
import type { RouteContract } from './contract.ts';

const SUBSCRIPTION_STATE_ERRORS = ['subscription_on_hold', 'subscription_ended', 'charge_in_progress'] as const;

export const portalRoutes = {
  // Sign-in
  portalLogin: {
    method: 'post', path: '/portal/v1/login', operationId: 'portalLogin', tag: 'Portal: sign-in', auth: 'none', rateLimited: true,
    summary: 'Ask for a sign-in link by email',
    description: 'Always 202 with the same body, whether or not the email is a customer of the business: the link is looked up and emailed after answering. Rate limited per IP and per email.',
    body: { schema: Bodies.LoginBody },
    responses: { 202: { description: 'Accepted.', schema: Components.LoginAccepted } },
    errors: { 503: ['email_not_configured'] },
  },
  exchangeMagicLink: {
    method: 'post', path: '/portal/v1/magic-link/exchange', operationId: 'exchangeMagicLink', tag: 'Portal: sign-in', auth: 'none', rateLimited: true,
    summary: 'Exchange a magic-link code for a session', description: 'A code works once, within 24 hours. Used or expired codes answer 410 with `login_url`.',
    body: { schema: Bodies.ExchangeMagicLinkBody },
    responses: { 201: { description: 'The session token.', schema: Components.MagicLinkExchanged } },
    // An unknown or malformed code.
    errors: { 404: ['not_found'], 410: ['magic_link_used', 'magic_link_expired'] },
  },
  getPortalSession: {
    method: 'get', path: '/portal/v1/session', operationId: 'getPortalSession', tag: 'Portal: sign-in', auth: 'sessionToken',
    summary: 'Who the session belongs to',
    responses: { 200: { description: 'The business, the customer and the session.', schema: Components.PortalSessionInfo } },
  },
  endPortalSession: {
    method: 'delete', path: '/portal/v1/session', operationId: 'endPortalSession', tag: 'Portal: sign-in', auth: 'sessionToken',
    summary: 'Sign out (end the session)',
    responses: { 204: { description: 'The session token no longer works.', schema: null } },
  },
  // Unified portal
  unifiedLogin: {
    method: 'post', path: '/portal/v1/unified/login', operationId: 'unifiedLogin', tag: 'Portal: unified', auth: 'none', rateLimited: true,
    summary: 'Ask for one sign-in link to every business of an email',
    description: 'Answered like `POST /portal/v1/login`: always 202.',
    body: { schema: Bodies.UnifiedLoginBody },
    responses: { 202: { description: 'Accepted.', schema: Components.LoginAccepted } },
    errors: { 503: ['email_not_configured'] },
  },
  exchangeUnifiedMagicLink: {
    method: 'post', path: '/portal/v1/unified/magic-link/exchange', operationId: 'exchangeUnifiedMagicLink', tag: 'Portal: unified', auth: 'none', rateLimited: true,
    summary: 'Exchange a unified magic-link code for a unified token',
    body: { schema: Bodies.ExchangeMagicLinkBody },
    responses: { 201: { description: 'The unified token (`dpu_…`).', schema: Components.MagicLinkExchanged } },
    // An unknown or malformed code.
    errors: { 404: ['not_found'], 410: ['magic_link_used', 'magic_link_expired'] },
  },
  listUnifiedBusinesses: {
    method: 'get', path: '/portal/v1/unified/businesses', operationId: 'listUnifiedBusinesses', tag: 'Portal: unified', auth: 'unifiedToken',
    summary: 'Every business where the email is a customer',
    responses: { 200: { description: 'The businesses, with active subscriptions and the latest invoice.', schema: Components.UnifiedBusinessList } },
  },
  openUnifiedBusinessSession: {
    method: 'post', path: '/portal/v1/unified/businesses/{business_id}/session', operationId: 'openUnifiedBusinessSession', tag: 'Portal: unified', auth: 'unifiedToken',
    summary: 'Open a portal session at one of the businesses',
    responses: { 201: { description: 'A business-scoped portal session.', schema: Components.PortalSession } },
  },
  endUnifiedSession: {
    method: 'delete', path: '/portal/v1/unified/session', operationId: 'endUnifiedSession', tag: 'Portal: unified', auth: 'unifiedToken',
    summary: 'Sign out of the unified portal',
    responses: { 204: { description: 'The unified token no longer works.', schema: null } },
  },
  // Billing history
  listPortalInvoices: {
    method: 'get', path: '/portal/v1/invoices', operationId: 'listPortalInvoices', tag: 'Portal: billing history', auth: 'sessionToken',
    summary: "The customer's invoices", query: W.ListQuery.strict(),
    responses: { 200: { description: 'A page of invoices.', schema: Components.InvoicePage } },
  },
  getPortalInvoice: {
    method: 'get', path: '/portal/v1/invoices/{invoice_id}', operationId: 'getPortalInvoice', tag: 'Portal: billing history', auth: 'sessionToken',
    summary: 'One invoice, with its refunds',
    responses: { 200: { description: 'The invoice.', schema: Components.Invoice } },
  },
  getPortalInvoicePdf: {
    method: 'get', path: '/portal/v1/invoices/{invoice_id}/pdf', operationId: 'getPortalInvoicePdf', tag: 'Portal: billing history', auth: 'sessionToken',
    summary: 'Download an invoice as PDF',
    responses: { 200: { description: 'The PDF (`Content-Disposition: attachment`).', schema: null, contentType: 'application/pdf' } },
  },
  payPortalInvoice: {
    method: 'post', path: '/portal/v1/invoices/{invoice_id}/pay', operationId: 'payPortalInvoice', tag: 'Portal: billing history', auth: 'sessionToken', idempotent: true,
    summary: 'Pay an open invoice',
    description:
      "Charges the invoice's total, once, to the card given: a saved `payment_method_id`, or a `card_token`, which is saved as a card first. Success: the invoice is `paid`, the payment recorded, `payment.succeeded` sent and a receipt emailed. The open invoice of an on-hold subscription is paid as its dues: the subscription is active again on that card, and the invoice is voided for the paid dues invoice returned (`replaced_invoice_id` names it). A decline answers 402 and the invoice stays open. Parallel payers: one charges, the others get 409.",
    body: { schema: Bodies.PayInvoiceBody },
    responses: { 200: { description: 'The paid invoice and its payment.', schema: Components.PayInvoiceResult } },
    errors: { 402: ['payment_failed'], 409: ['invoice_not_open', 'charge_in_progress', 'subscription_on_hold'], 503: ['processor_not_configured'] },
  },
  listPortalPayments: {
    method: 'get', path: '/portal/v1/payments', operationId: 'listPortalPayments', tag: 'Portal: billing history', auth: 'sessionToken',
    summary: "The customer's transactions", description: 'Failed and refunded ones included.', query: W.ListQuery.strict(),
    responses: { 200: { description: 'A page of payments.', schema: Components.PaymentPage } },
  },
  getPortalPayment: {
    method: 'get', path: '/portal/v1/payments/{payment_id}', operationId: 'getPortalPayment', tag: 'Portal: billing history', auth: 'sessionToken',
    summary: 'One transaction',
    responses: { 200: { description: 'The payment.', schema: Components.Payment } },
  },
  // Subscriptions
  listPortalSubscriptions: {
    method: 'get', path: '/portal/v1/subscriptions', operationId: 'listPortalSubscriptions', tag: 'Portal: subscriptions', auth: 'sessionToken',
    summary: "The customer's subscriptions", description: 'Each with its plan, add-ons and the actions the customer may take now.', query: W.ListQuery.strict(),
    responses: { 200: { description: 'A page of subscriptions.', schema: Components.PortalSubscriptionPage } },
  },
  getPortalSubscription: {
    method: 'get', path: '/portal/v1/subscriptions/{subscription_id}', operationId: 'getPortalSubscription', tag: 'Portal: subscriptions', auth: 'sessionToken',
    summary: 'One subscription',
    responses: { 200: { description: 'The subscription.', schema: Components.PortalSubscription } },
  },
  cancelPortalSubscription: {
    method: 'post', path: '/portal/v1/subscriptions/{subscription_id}/cancel', operationId: 'cancelPortalSubscription', tag: 'Portal: subscriptions', auth: 'sessionToken', idempotent: true,
    summary: 'Cancel a subscription', description: 'At the end of the period (default) or immediately, with an optional reason. The body may be empty.',
    body: { schema: Bodies.CancelSubscriptionBody, optional: true },
    responses: { 200: { description: 'The subscription after the cancellation.', schema: Components.PortalSubscription } },
    errors: { 403: ['cancellation_disabled'], 409: ['subscription_ended', 'subscription_on_hold', 'charge_in_progress'] },
  },
  resumePortalSubscription: {
    method: 'post', path: '/portal/v1/subscriptions/{subscription_id}/resume', operationId: 'resumePortalSubscription', tag: 'Portal: subscriptions', auth: 'sessionToken', idempotent: true,
    summary: 'Undo a scheduled cancellation',
    responses: { 200: { description: 'The subscription, renewing again.', schema: Components.PortalSubscription } },
    errors: { 409: ['not_scheduled_to_cancel', 'subscription_on_hold', 'subscription_ended'] },
  },
  getPlanOptions: {
    method: 'get', path: '/portal/v1/subscriptions/{subscription_id}/plan-options', operationId: 'getPlanOptions', tag: 'Portal: subscriptions', auth: 'sessionToken',
    summary: 'The plans and add-ons the subscription can move to',
    responses: { 200: { description: 'The tiers of its collection and the add-ons.', schema: Components.PlanOptions } },
  },
  previewPlanChange: {
    method: 'post', path: '/portal/v1/subscriptions/{subscription_id}/change-plan/preview', operationId: 'previewPlanChange', tag: 'Portal: subscriptions', auth: 'sessionToken', idempotent: true,
    summary: 'Price a plan change without making it',
    description: "What the change would charge or credit now under the business's proration mode. Pass its `prorated_at` to the change to be charged exactly this.",
    body: { schema: Bodies.ChangePlanBody },
    responses: { 200: { description: 'The quote.', schema: Components.ChangePlanPreview } },
    errors: { 403: ['subscription_updates_disabled'], 409: ['no_change', 'subscription_on_hold', 'subscription_ended'], 422: ['product_not_in_collection', 'product_not_recurring'] },
  },
  changePlan: {
    method: 'post', path: '/portal/v1/subscriptions/{subscription_id}/change-plan', operationId: 'changePlan', tag: 'Portal: subscriptions', auth: 'sessionToken', idempotent: true,
    summary: 'Change plan, quantity or add-ons', description: 'Charges (or credits) as the preview said, on the subscription\'s card; a declined card changes nothing.',
    body: { schema: Bodies.ChangePlanBody },
    responses: { 200: { description: 'The subscription after the change, its invoice and payment.', schema: Components.ChangePlanResult } },
    errors: { 402: ['payment_failed'], 403: ['subscription_updates_disabled'], 409: ['no_change', ...SUBSCRIPTION_STATE_ERRORS], 422: ['product_not_in_collection', 'product_not_recurring'], 503: ['processor_not_configured'] },
  },
  getDues: {
    method: 'get', path: '/portal/v1/subscriptions/{subscription_id}/dues', operationId: 'getDues', tag: 'Portal: subscriptions', auth: 'sessionToken',
    summary: 'What an on-hold subscription owes',
    responses: { 200: { description: 'The open invoices and their total.', schema: Components.Dues } },
  },
  setSubscriptionPaymentMethod: {
    method: 'post', path: '/portal/v1/subscriptions/{subscription_id}/payment-method', operationId: 'setSubscriptionPaymentMethod', tag: 'Portal: subscriptions', auth: 'sessionToken', idempotent: true,
    summary: "Switch a subscription's card (and pay its dues)",
    description: 'On hold: the dues are charged to the new card first; success makes the subscription active again.',
    body: { schema: Bodies.SetSubscriptionPaymentMethodBody },
    responses: { 200: { description: 'The subscription and what was charged.', schema: Components.SubscriptionPaymentMethodResult } },
    errors: { 402: ['payment_failed'], 409: ['subscription_ended', 'charge_in_progress'], 503: ['processor_not_configured'] },
  },
  // Payment methods
  listPortalPaymentMethods: {
    method: 'get', path: '/portal/v1/payment-methods', operationId: 'listPortalPaymentMethods', tag: 'Portal: payment methods', auth: 'sessionToken',
    summary: "The customer's saved cards",
    responses: { 200: { description: 'The cards, with the subscriptions each pays for.', schema: Components.PortalPaymentMethodList } },
  },
  addPortalPaymentMethod: {
    method: 'post', path: '/portal/v1/payment-methods', operationId: 'addPortalPaymentMethod', tag: 'Portal: payment methods', auth: 'sessionToken',
    summary: 'Save a card', description: 'Takes a processor token (`POST /sandbox/v1/tokens` in test mode), never a card number. The processor verifies the card first (no charge): a refused card answers 402 `payment_failed` with its `decline_code` and nothing is saved.',
    body: { schema: Bodies.AttachPaymentMethodBody },
    responses: { 201: { description: 'The saved card.', schema: Components.PortalPaymentMethod }, 200: { description: 'The token was saved before: the card.', schema: Components.PortalPaymentMethod } },
    errors: { 402: ['payment_failed'], 503: ['processor_not_configured'] },
  },
  setDefaultPortalPaymentMethod: {
    method: 'post', path: '/portal/v1/payment-methods/{payment_method_id}/default', operationId: 'setDefaultPortalPaymentMethod', tag: 'Portal: payment methods', auth: 'sessionToken',
    summary: 'Make a saved card the default',
    description: 'The card becomes `is_default` and is listed first; the previous default no longer is. Saving the same default again changes nothing. Which card a subscription is charged to does not change (`POST /portal/v1/subscriptions/{id}/payment-method` does that).',
    responses: { 200: { description: 'The card, now the default.', schema: Components.PortalPaymentMethod } },
  },
  deletePortalPaymentMethod: {
    method: 'delete', path: '/portal/v1/payment-methods/{payment_method_id}', operationId: 'deletePortalPaymentMethod', tag: 'Portal: payment methods', auth: 'sessionToken',
    summary: 'Remove a saved card',
    description:
      'A card that pays `active` or `on_hold` subscriptions is removed only with `replacements`: for each of them, which of the customer’s other saved cards pays it from now on. Without a replacement for every one: 409 `payment_method_in_use` with `details.subscriptions` (nothing changed). A replacement that is not one of those subscriptions or not one of the customer’s other cards: 400 on `replacements.<subscription_id>`. The moves and the removal are one transaction, each moved subscription sends `subscription.updated`. The body may be empty for a card no live subscription uses.',
    body: { schema: Bodies.DeletePaymentMethodBody, optional: true },
    responses: { 204: { description: 'Removed.', schema: null } },
    errors: { 409: ['payment_method_in_use'] },
  },
  // Profile
  getProfile: {
    method: 'get', path: '/portal/v1/profile', operationId: 'getProfile', tag: 'Portal: profile', auth: 'sessionToken',
    summary: "The customer's profile", description: 'Name, email, billing address and credit balance.',
    responses: { 200: { description: 'The profile.', schema: Components.Profile } },
  },
  updateProfile: {
    method: 'patch', path: '/portal/v1/profile', operationId: 'updateProfile', tag: 'Portal: profile', auth: 'sessionToken',
    summary: 'Change name or billing address',
    body: { schema: Bodies.UpdateProfileBody },
    responses: { 200: { description: 'The profile after the change.', schema: Components.Profile } },
  },
  // License keys
  listPortalLicenseKeys: {
    method: 'get', path: '/portal/v1/license-keys', operationId: 'listPortalLicenseKeys', tag: 'Portal: license keys', auth: 'sessionToken',
    summary: "The customer's license keys (masked)",
    responses: { 200: { description: 'The keys.', schema: Components.PortalLicenseKeyList } },
  },
  revealPortalLicenseKey: {
    method: 'get', path: '/portal/v1/license-keys/{license_key_id}', operationId: 'revealPortalLicenseKey', tag: 'Portal: license keys', auth: 'sessionToken',
    summary: 'One license key, revealed',
    responses: { 200: { description: 'The key with `key`.', schema: Components.PortalLicenseKey } },
  },
  listPortalLicenseKeyInstances: {
    method: 'get', path: '/portal/v1/license-keys/{license_key_id}/instances', operationId: 'listPortalLicenseKeyInstances', tag: 'Portal: license keys', auth: 'sessionToken',
    summary: "A key's activations",
    responses: { 200: { description: 'The activations.', schema: Components.LicenseKeyInstanceList } },
  },
  deactivatePortalLicenseKeyInstance: {
    method: 'delete', path: '/portal/v1/license-keys/{license_key_id}/instances/{instance_id}', operationId: 'deactivatePortalLicenseKeyInstance', tag: 'Portal: license keys', auth: 'sessionToken',
    summary: 'Free a seat (deactivate one activation)',
    responses: { 204: { description: 'Deactivated.', schema: null } },
    errors: { 403: ['key_deactivation_disabled'] },
  },
} as const satisfies Record<string, RouteContract>;
