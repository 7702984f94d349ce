/** The public API of the dodo-portal server package. */
export { createApp, consoleLogger, type AppDeps } from './app.ts';
export { startServer, type RunningServer, type StartServerOptions } from './serve.ts';
export { openStore, migrate, storeOptionsFromEnv, dropPgSchema, DEFAULT_DB_FILE, type Store, type StoreOptions } from './store/index.ts';
export { seedDemo, DEMO_ALLOWED_ORIGINS, type SeedDemoOptions } from './seed.ts';
export { runCli, type CliIo } from './cli.ts';
export { serviceContext, type ServiceContext } from './runtime.ts';
export { createBusiness, type CreateBusinessInput, type CreatedBusiness } from './services/businesses.ts';
export { createCustomer, getCustomer, listCustomers } from './services/customers.ts';
export { issueInvoice, getInvoice, listInvoices, type IssueInvoiceOptions } from './services/invoices.ts';
export { createPortalSession, authenticateSession, hostedPortalLink } from './services/sessions.ts';
export {
  openPortalSession,
  createMagicLink,
  createInvite,
  exchangeMagicLink,
  loginLinkMessage,
  requestLoginLink,
  MAGIC_LINK_TTL_MS,
  type AccessContext,
  type LinkContext,
} from './services/portal-access.ts';
export { staticLoginUrl, magicLinkUrl, unifiedLoginUrl } from './services/links.ts';
export { createMemoryRateLimiter, RateRules } from './http/rate-limit.ts';
export type { RateDecision, RateLimiter, RateRule } from './runtime.ts';
export { createBackgroundTasks, type BackgroundTasks } from './services/background.ts';
export {
  portalLinkEmail,
  signInLinkEmail,
  unifiedSignInEmail,
  paymentSucceededEmail,
  paymentFailedEmail,
  subscriptionReactivatedEmail,
  planChangedEmail,
  subscriptionCancelledEmail,
  escapeHtml,
  type NotificationInput,
  type MailMoney,
  type MailRecurrence,
} from './mail/templates.ts';
export { createOutboxMailer, mailRouter } from './mail/outbox.ts';
export { listOutboxMail, type OutboxRecord } from './store/outbox.ts';
export {
  unifiedLoginMessage,
  requestUnifiedLoginLink,
  exchangeUnifiedLink,
  authenticateUnified,
  listUnifiedBusinesses,
  openBusinessSession,
  UNIFIED_LINK_TTL_MS,
  UNIFIED_SESSION_TTL_MS,
} from './services/unified.ts';
export { createApiKey, revokeApiKey, authenticateApiKey } from './services/api-keys.ts';
export { renderInvoicePdf, type InvoicePdfInput } from './pdf/invoice-pdf.ts';
export { createNodemailerMailer, mailerFromEnv, disabledMailer, MailNotConfiguredError, type Mailer, type MailMessage } from './mail/mailer.ts';
export { createSandboxProcessor, memorySandboxLedger, SandboxCards, type SandboxLedger } from './payments/sandbox.ts';
export { sqlSandboxLedger } from './store/sandbox-ledger.ts';
export { createProduct, getProduct, listProducts } from './services/products.ts';
export { createCollection, getCollection, patchCollection, listCollections } from './services/collections.ts';
export { getBusinessSettings, patchBusinessSettings } from './services/business-settings.ts';
export { attachPaymentMethod } from './services/payment-methods.ts';
export { patchCustomer } from './services/customers.ts';
export { createSubscription, getSubscription, patchSubscription, listSubscriptions, cancelSubscriptionsAtPeriodEnd } from './services/subscriptions.ts';
export { createPurchase, getPayment, listPayments } from './services/payments.ts';
export { processorFor, type BillingContext } from './services/charging.ts';
export { periodAt, addIntervals, addMonths, type Interval, type Period } from './domain/periods.ts';
export { PaymentDeclinedError, type PaymentProcessor, type CardDetails, type CardToken, type Charge, type Refund } from './payments/processor.ts';
export { systemClock, cryptoRandom, type Clock, type Random } from './domain/ports.ts';
export { DomainError } from './domain/errors.ts';
export { computeInvoiceTotals, computeTax, formatMoney, currencyMinorDigits } from './domain/money.ts';
export type { Scope } from './store/scope.ts';
