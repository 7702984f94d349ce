/**
 * The shape of one email language beyond English and Swedish (which live inline in
 * ../templates.ts): every email's words, as functions of the values they mention. A language
 * added here must fill every field, so no email can silently fall back to English.
 */
import type { BillingInterval } from '@dodo-portal/wire/schemas';

/** The portal-access emails (portal link, sign-in link, unified sign-in). */
export interface AccessCopy {
  subject: (business: string) => string;
  greeting: (name: string) => string;
  intro: (business: string) => string;
  button: string;
  expiry: (when: string) => string;
  ignore: string;
}

export interface MailCatalogue {
  portalLink: AccessCopy;
  signInLink: AccessCopy;
  unifiedSignIn: AccessCopy;
  /** Singular and plural of each billing interval. */
  intervals: Record<BillingInterval, [one: string, many: string]>;
  /** `per month`, `every 3 months` (some languages inflect by the interval). */
  every: (count: number, interval: BillingInterval) => string;
  common: { greeting: (name: string) => string; button: string; footer: string; questions: (business: string) => string };
  receipt: (v: { business: string; total: string }) => { subject: string; thanks: string; amount: string; date: string; item: string; invoice: string; reference: string };
  paymentFailed: (v: { business: string; total: string; productName: string; onHold: boolean }) => {
    subject: string;
    failed: string;
    next: string;
    amount: string;
    date: string;
    reason: string;
  };
  reactivated: (v: { business: string; productName: string }) => { subject: string; body: string; plan: string; price: string; next: string };
  planChanged: (v: { business: string; fromPlan: string; toPlan: string }) => {
    subject: string;
    body: string;
    from: string;
    to: string;
    price: string;
    when: string;
    charged: string;
  };
  cancelled: (v: { business: string; productName: string; when: string; immediately: boolean }) => {
    subject: string;
    body: string;
    plan: string;
    ends: string;
    changed: string;
  };
}
