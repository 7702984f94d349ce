/** Classes and types only; importing this registers nothing. Use `./define/*` to register tags. */
// The element classes, one per catalogue line (written by scripts/catalogue.mjs).
// <catalogue>
export { DodoPortal } from './components/portal/portal.ts';
export { DodoSubscriptionManager } from './components/subscription-manager/subscription-manager.ts';
export { DodoPaymentMethodEditor } from './components/payment-method-editor/payment-method-editor.ts';
export { DodoInvoiceList } from './components/invoice-list/invoice-list.ts';
export { DodoTransactionList } from './components/transaction-list/transaction-list.ts';
export { DodoKeyVault } from './components/key-vault/key-vault.ts';
export { DodoProfile } from './components/profile/profile.ts';
export { DodoPlanSwitcher } from './components/plan-switcher/plan-switcher.ts';
export { DodoPortalLogin } from './components/portal-login/portal-login.ts';
export { DodoUnifiedPortal } from './components/unified-portal/unified-portal.ts';
// </catalogue>
export { clientContext, localeContext, sessionContext } from './context.ts';
export type { SessionChannel, SessionStatus } from './context.ts';
export type {
  InvoiceDownloadDetail,
  InvoiceDownloadEvent,
  InvoicePaidDetail,
  InvoicePaidEvent,
  KeyCopiedDetail,
  KeyCopiedEvent,
  KeyInstanceDeactivatedDetail,
  KeyInstanceDeactivatedEvent,
  LoginLinkRequestedDetail,
  LoginLinkRequestedEvent,
  PaymentFailedDetail,
  PaymentFailedEvent,
  PaymentMethodUpdatedDetail,
  PaymentMethodUpdatedEvent,
  SessionExpiredDetail,
  SessionExpiredEvent,
  SubscriptionChangedDetail,
  SubscriptionCancelledEvent,
  SubscriptionResumedEvent,
  PlanChangeRequestDetail,
  PlanChangeRequestEvent,
  PlanChangedDetail,
  PlanChangedEvent,
  ProfileUpdatedDetail,
  ProfileUpdatedEvent,
  PaymentMethodRequestedDetail,
  PaymentMethodRequestedEvent,
  PortalChangedDetail,
  PortalChangedEvent,
  PortalResource,
  SubscriptionReactivatedDetail,
  SubscriptionReactivatedEvent,
} from './events.ts';
