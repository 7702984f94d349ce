// Generated from src/catalogue.json by scripts/catalogue.mjs: do not edit. What the complete portal and the React wrappers need to know of each element.
import { html, type TemplateResult } from 'lit';
import { msg } from '@lit/localize';

export interface PortalSection {
  tag: string;
  /** Also the `part` (`section-<key>`) and the heading's id. */
  key: string;
  heading: () => string;
  content: () => TemplateResult;
}

/** The complete portal's sections, in the order they are shown; each only when its element is registered. */
export const portalSections: readonly PortalSection[] = [
  { tag: 'dodo-subscription-manager', key: 'subscriptions', heading: () => msg('Subscriptions'), content: () => html`<dodo-subscription-manager></dodo-subscription-manager>` },
  { tag: 'dodo-payment-method-editor', key: 'payment-methods', heading: () => msg('Payment methods'), content: () => html`<dodo-payment-method-editor></dodo-payment-method-editor>` },
  { tag: 'dodo-invoice-list', key: 'invoices', heading: () => msg('Invoices'), content: () => html`<dodo-invoice-list></dodo-invoice-list>` },
  { tag: 'dodo-transaction-list', key: 'transactions', heading: () => msg('Payment history'), content: () => html`<dodo-transaction-list></dodo-transaction-list>` },
  { tag: 'dodo-key-vault', key: 'license-keys', heading: () => msg('License keys'), content: () => html`<dodo-key-vault></dodo-key-vault>` },
  { tag: 'dodo-profile', key: 'profile', heading: () => msg('Account'), content: () => html`<dodo-profile></dodo-profile>` },
];

/** The events each element fires, by tag (its `@event` JSDoc). */
export const elementEvents = {
  'dodo-portal': ['dodo-session-expired'],
  'dodo-subscription-manager': ['dodo-payment-method-requested', 'dodo-portal-changed', 'dodo-session-expired', 'dodo-subscription-cancelled', 'dodo-subscription-resumed'],
  'dodo-payment-method-editor': ['dodo-payment-failed', 'dodo-payment-method-updated', 'dodo-portal-changed', 'dodo-session-expired', 'dodo-subscription-reactivated'],
  'dodo-invoice-list': ['dodo-invoice-download', 'dodo-invoice-paid', 'dodo-portal-changed', 'dodo-session-expired'],
  'dodo-transaction-list': ['dodo-invoice-download', 'dodo-session-expired'],
  'dodo-key-vault': ['dodo-key-copied', 'dodo-key-instance-deactivated', 'dodo-portal-changed', 'dodo-session-expired'],
  'dodo-profile': ['dodo-portal-changed', 'dodo-profile-updated', 'dodo-session-expired'],
  'dodo-plan-switcher': ['dodo-payment-method-requested', 'dodo-plan-change-request', 'dodo-plan-changed', 'dodo-portal-changed', 'dodo-session-expired'],
  'dodo-portal-login': ['dodo-login-link-requested'],
  'dodo-unified-portal': ['dodo-session-expired'],
} as const;
