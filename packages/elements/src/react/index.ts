// Generated from src/catalogue.json by scripts/catalogue.mjs: do not edit. React wrappers of every element (`@dodo-portal/elements/react`); importing this registers every tag — import one element's entry (`@dodo-portal/elements/react/invoice-list`) to ship only it.
export { DodoPortal } from './portal.ts';
export { DodoSubscriptionManager } from './subscription-manager.ts';
export { DodoPaymentMethodEditor } from './payment-method-editor.ts';
export { DodoInvoiceList } from './invoice-list.ts';
export { DodoTransactionList } from './transaction-list.ts';
export { DodoKeyVault } from './key-vault.ts';
export { DodoProfile } from './profile.ts';
export { DodoPlanSwitcher } from './plan-switcher.ts';
export { DodoPortalLogin } from './portal-login.ts';
export { DodoUnifiedPortal } from './unified-portal.ts';
export type { DodoEventName, Handlers } from './handlers.ts';
