/**
 * React wrappers of every element (`@dodo-portal/elements/react`). Importing this registers every
 * tag: import one element's entry (`@dodo-portal/elements/react/invoice-list`) to ship only it.
 *
 *     <DodoPortal apiBase={apiBase} sessionToken={token} onDodoSessionExpired={(event) => …}>
 *       <DodoInvoiceList pageSize={10} />
 *     </DodoPortal>
 */
export { DodoPortal } from './portal.ts';
export { DodoInvoiceList } from './invoice-list.ts';
export { DodoTransactionList } from './transaction-list.ts';
export { DodoSubscriptionManager } from './subscription-manager.ts';
export { DodoPlanSwitcher } from './plan-switcher.ts';
export { DodoPaymentMethodEditor } from './payment-method-editor.ts';
export { DodoProfile } from './profile.ts';
export { DodoKeyVault } from './key-vault.ts';
export { DodoPortalLogin } from './portal-login.ts';
export { DodoUnifiedPortal } from './unified-portal.ts';
export type { DodoEventName, Handlers } from './handlers.ts';
