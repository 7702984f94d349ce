/** Classes and types only; importing this registers nothing. Use `./define/*` to register tags. */
export { DodoPortal } from './components/portal/portal.ts';
export { DodoInvoiceList } from './components/invoice-list/invoice-list.ts';
export { DodoPortalLogin } from './components/portal-login/portal-login.ts';
export { DodoUnifiedPortal } from './components/unified-portal/unified-portal.ts';
export { clientContext, localeContext, sessionContext } from './context.ts';
export type { SessionChannel, SessionStatus } from './context.ts';
export type {
  InvoiceDownloadDetail,
  InvoiceDownloadEvent,
  LoginLinkRequestedDetail,
  LoginLinkRequestedEvent,
  SessionExpiredDetail,
  SessionExpiredEvent,
} from './events.ts';
