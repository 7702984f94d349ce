/**
 * Every email the portal sends, as plain text + HTML, in the customer's language (English,
 * Swedish, German, French, Spanish), branded with the business's display name and colour: the portal-access emails
 * (portal link, sign-in link) and the billing notifications (receipt, payment failed /
 * subscription on hold, reactivated, plan changed, cancelled). Every interpolated value is
 * HTML-escaped; the subject is stripped of line breaks. Money arrives as integer minor units and
 * is formatted here, at the edge, with Intl.
 */
import { describeLine, type DescribedLine } from '../domain/line-descriptions.ts';
import type { BillingInterval } from '@dodo-portal/wire/schemas';
import { formatMoney } from '../domain/money.ts';
import type { MailMessage } from './mailer.ts';
import { fromCatalogues, isCatalogueLanguage, CATALOGUES, type CatalogueLanguage } from './locales/index.ts';

/** English and Swedish are written inline below; German, French and Spanish in ./locales/. */
export type MailLanguage = 'en' | 'sv' | CatalogueLanguage;

/** `sv-SE` → `sv`, `de-AT` → `de`; anything without a catalogue → `en`. */
export function mailLanguage(locale: string): MailLanguage {
  const language = locale.toLowerCase().split('-')[0] ?? '';
  return language === 'sv' || isCatalogueLanguage(language) ? language : 'en';
}

/**
 * The locale dates and money are formatted in: the customer's own when the email is written in
 * their language (`en-GB`, `sv-SE` keep their conventions), else the language the email is
 * written in — an English email to a `ja-JP` customer must not carry `2026年11月30日`.
 */
export function mailFormattingLocale(locale: string): string {
  const language = mailLanguage(locale);
  return locale.toLowerCase().split('-')[0] === language ? locale : language;
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
export const escapeHtml = (value: string): string => value.replace(/[&<>"']/g, (char) => ESCAPES[char]!);

const oneLine = (value: string): string => value.replace(/[\r\n]+/g, ' ').trim();

const HEX_COLOR = /^#(?:[0-9a-f]{3}|[0-9a-f]{6})$/i;
const DEFAULT_COLOR = '#1d4ed8';

export interface MailBrand {
  display_name: string;
  primary_color: string | null;
}

export interface MailRecipient {
  email: string;
  name: string;
  locale: string;
}

interface Copy {
  subject: (business: string) => string;
  greeting: (name: string) => string;
  intro: (business: string) => string;
  button: string;
  expiry: (when: string) => string;
  ignore: string;
}

const PORTAL_LINK: Record<MailLanguage, Copy> = {
  en: {
    subject: (business) => `Your billing portal link for ${business}`,
    greeting: (name) => `Hi ${name},`,
    intro: (business) => `Here is your link to ${business}'s billing portal, where you can see and download your invoices.`,
    button: 'Open the billing portal',
    expiry: (when) => `The link works until ${when}. Don't forward this email: anyone with the link can see your billing.`,
    ignore: "If you didn't expect this email, you can ignore it.",
  },
  sv: {
    subject: (business) => `Din länk till kundportalen hos ${business}`,
    greeting: (name) => `Hej ${name}!`,
    intro: (business) => `Här är din länk till kundportalen hos ${business}, där du kan se och ladda ned dina fakturor.`,
    button: 'Öppna kundportalen',
    expiry: (when) => `Länken fungerar till ${when}. Vidarebefordra inte det här mejlet: alla som har länken kan se din fakturering.`,
    ignore: 'Om du inte väntade dig det här mejlet kan du bortse från det.',
  },
  ...fromCatalogues((catalogue) => catalogue.portalLink),
};

const SIGN_IN_LINK: Record<MailLanguage, Copy> = {
  en: {
    subject: (business) => `Sign in to your billing with ${business}`,
    greeting: (name) => `Hi ${name},`,
    intro: (business) => `Use the button below to sign in to ${business}'s billing portal. The link works once.`,
    button: 'Sign in',
    expiry: (when) => `The link expires at ${when}. Don't forward this email.`,
    ignore: "If you didn't ask to sign in, you can ignore this email: nothing changes until the link is used.",
  },
  sv: {
    subject: (business) => `Logga in på din fakturering hos ${business}`,
    greeting: (name) => `Hej ${name}!`,
    intro: (business) => `Använd knappen nedan för att logga in i kundportalen hos ${business}. Länken fungerar en gång.`,
    button: 'Logga in',
    expiry: (when) => `Länken slutar gälla ${when}. Vidarebefordra inte det här mejlet.`,
    ignore: 'Om du inte bad om att logga in kan du bortse från mejlet: inget händer förrän länken används.',
  },
  ...fromCatalogues((catalogue) => catalogue.signInLink),
};

function formatWhen(iso: string, locale: string): string {
  const options: Intl.DateTimeFormatOptions = { year: 'numeric', month: 'long', day: 'numeric', hour: '2-digit', minute: '2-digit', timeZone: 'UTC', timeZoneName: 'short' };
  try {
    return new Intl.DateTimeFormat(locale, options).format(new Date(iso));
  } catch {
    return new Intl.DateTimeFormat('en', options).format(new Date(iso));
  }
}

function render(copy: Copy, input: { to: MailRecipient; brand: MailBrand; link: string; expiresAt: string }, signed = true): MailMessage {
  const language = mailLanguage(input.to.locale);
  const business = oneLine(input.brand.display_name);
  const color = brandColor(input.brand);
  const when = formatWhen(input.expiresAt, mailFormattingLocale(input.to.locale));
  const lines = [
    copy.greeting(input.to.name),
    '',
    copy.intro(business),
    '',
    `${copy.button}: ${input.link}`,
    '',
    copy.expiry(when),
    '',
    copy.ignore,
    ...(signed ? ['', `— ${business}`] : []),
  ];
  const e = escapeHtml;
  const html = shell(
    language,
    copy.subject(business),
    color,
    `<p style="margin:0 0 16px;font-weight:600;font-size:18px">${e(business)}</p>
<p style="margin:0 0 16px">${e(copy.greeting(input.to.name))}</p>
<p style="margin:0 0 24px">${e(copy.intro(business))}</p>
${button(input.link, copy.button, color)}
<p style="margin:0 0 16px;font-size:14px;color:#4b5563">${e(copy.expiry(when))}</p>
<p style="margin:0;font-size:14px;color:#4b5563">${e(copy.ignore)}</p>`,
  );
  return { to: input.to.email, subject: oneLine(copy.subject(business)), text: `${lines.join('\n')}\n`, html };
}

const brandColor = (brand: MailBrand): string => (brand.primary_color && HEX_COLOR.test(brand.primary_color) ? brand.primary_color : DEFAULT_COLOR);

/** The HTML document around a message body (`inner` is already escaped markup). */
function shell(language: MailLanguage, subject: string, color: string, inner: string): string {
  return `<!doctype html>
<html lang="${language}">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${escapeHtml(subject)}</title></head>
<body style="margin:0;padding:24px;background:#f3f4f6;font-family:system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;color:#1f2937">
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" style="max-width:560px;margin:0 auto;background:#ffffff;border-radius:8px;border-top:4px solid ${color}">
<tr><td style="padding:32px">
${inner}
</td></tr>
</table>
</body>
</html>
`;
}

const button = (href: string, label: string, color: string): string =>
  `<p style="margin:0 0 24px"><a href="${escapeHtml(href)}" style="display:inline-block;padding:12px 20px;border-radius:6px;background:${color};color:#ffffff;font-weight:600;text-decoration:none">${escapeHtml(label)}</a></p>`;

/** The email of `send_email: true`: a link straight into a portal session. */
export function portalLinkEmail(input: { to: MailRecipient; brand: MailBrand; link: string; expiresAt: string }): MailMessage {
  return render(PORTAL_LINK[mailLanguage(input.to.locale)], input);
}

const UNIFIED_SIGN_IN: Record<MailLanguage, Copy> = {
  en: {
    subject: (businesses) => `Sign in to your billing with ${businesses}`,
    greeting: (name) => `Hi ${name},`,
    intro: (businesses) => `Use the button below to see your invoices and subscriptions with ${businesses} in one place. The link works once.`,
    button: 'Sign in',
    expiry: (when) => `The link expires at ${when}. Don't forward this email.`,
    ignore: "If you didn't ask to sign in, you can ignore this email: nothing changes until the link is used.",
  },
  sv: {
    subject: (businesses) => `Logga in på din fakturering hos ${businesses}`,
    greeting: (name) => `Hej ${name}!`,
    intro: (businesses) => `Använd knappen nedan för att se dina fakturor och abonnemang hos ${businesses} på ett ställe. Länken fungerar en gång.`,
    button: 'Logga in',
    expiry: (when) => `Länken slutar gälla ${when}. Vidarebefordra inte det här mejlet.`,
    ignore: 'Om du inte bad om att logga in kan du bortse från mejlet: inget händer förrän länken används.',
  },
  ...fromCatalogues((catalogue) => catalogue.unifiedSignIn),
};

/** The unified portal's one-time sign-in link, naming every business the email is a customer of. */
export function unifiedSignInEmail(input: { to: MailRecipient; businesses: string[]; link: string; expiresAt: string }): MailMessage {
  const language = mailLanguage(input.to.locale);
  const names = new Intl.ListFormat(language, { style: 'long', type: 'conjunction' }).format(input.businesses.map(oneLine));
  return render(UNIFIED_SIGN_IN[language], { to: input.to, brand: { display_name: names, primary_color: null }, link: input.link, expiresAt: input.expiresAt }, false);
}

/** A one-time sign-in (magic) link, for the static login page. */
export function signInLinkEmail(input: { to: MailRecipient; brand: MailBrand; link: string; expiresAt: string }): MailMessage {
  return render(SIGN_IN_LINK[mailLanguage(input.to.locale)], input);
}

// ---- Billing notifications -----------------------------------------------------------------

/** What every notification needs: who, whose brand, and where to manage billing (no token in it). */
export interface NotificationInput {
  to: MailRecipient;
  brand: MailBrand;
  /** Where the customer manages billing, e.g. the business's static login page (never a session link). */
  portalUrl: string;
}

/** An amount in the currency's minor units (`1999` + `EUR` = €19.99). */
export interface MailMoney {
  amount: number;
  currency: string;
}

/** `interval_count` periods of `interval` per charge (month × 3 = quarterly). */
export interface MailRecurrence {
  interval: BillingInterval;
  interval_count?: number;
}

interface Detail {
  label: string;
  value: string;
}

/** One notification, in words: the layout (`notification`) turns it into text and HTML. */
interface NotificationParts {
  subject: string;
  greeting: string;
  paragraphs: string[];
  details: Detail[];
  button: string;
  footer: string;
}

/** The customer's locale when ICU knows it, else English (formatting never throws on bad data). */
function intlLocale(locale: string): string {
  try {
    return Intl.getCanonicalLocales(locale)[0] ?? 'en';
  } catch {
    return 'en';
  }
}

const money = (value: MailMoney, locale: string): string => formatMoney(value.amount, value.currency, intlLocale(locale));

function formatDate(iso: string, locale: string): string {
  return new Intl.DateTimeFormat(intlLocale(locale), { year: 'numeric', month: 'long', day: 'numeric', timeZone: 'UTC' }).format(new Date(iso));
}

const INTERVALS: Record<MailLanguage, Record<BillingInterval, [one: string, many: string]>> = {
  en: { day: ['day', 'days'], week: ['week', 'weeks'], month: ['month', 'months'], year: ['year', 'years'] },
  sv: { day: ['dag', 'dagar'], week: ['vecka', 'veckor'], month: ['månad', 'månader'], year: ['år', 'år'] },
  ...fromCatalogues((catalogue) => catalogue.intervals),
};

function priceText(price: MailMoney, recurrence: MailRecurrence | undefined, language: MailLanguage, locale: string): string {
  const amount = money(price, locale);
  if (!recurrence) return amount;
  const count = recurrence.interval_count ?? 1;
  const [one, many] = INTERVALS[language][recurrence.interval];
  if (isCatalogueLanguage(language)) return `${amount} ${CATALOGUES[language].every(count, recurrence.interval)}`;
  const every = language === 'sv' ? (count === 1 ? `per ${one}` : `var ${count}:e ${many}`) : count === 1 ? `per ${one}` : `every ${count} ${many}`;
  return `${amount} ${every}`;
}

/** Shared words of every notification. */
const COMMON: Record<MailLanguage, { greeting: (name: string) => string; button: string; footer: string; questions: (business: string) => string }> = {
  en: {
    greeting: (name) => `Hi ${name},`,
    button: 'Manage your billing',
    footer: 'You receive this email because you are a customer of',
    questions: (business) => `Questions about your billing? Contact ${business}.`,
  },
  sv: {
    greeting: (name) => `Hej ${name}!`,
    button: 'Hantera din fakturering',
    footer: 'Du får det här mejlet eftersom du är kund hos',
    questions: (business) => `Frågor om din fakturering? Kontakta ${business}.`,
  },
  ...fromCatalogues((catalogue) => catalogue.common),
};

/** Lays out a notification as text + HTML, every value escaped in the HTML. */
function notification(
  input: NotificationInput,
  build: (ctx: { language: MailLanguage; business: string; locale: string }) => Omit<NotificationParts, 'greeting' | 'button' | 'footer'>,
): MailMessage {
  const language = mailLanguage(input.to.locale);
  const business = oneLine(input.brand.display_name);
  const common = COMMON[language];
  const parts: NotificationParts = {
    ...build({ language, business, locale: mailFormattingLocale(input.to.locale) }),
    greeting: common.greeting(input.to.name),
    button: common.button,
    footer: `${common.footer} ${business}. ${common.questions(business)}`,
  };
  const color = brandColor(input.brand);
  const e = escapeHtml;
  const detailWidth = Math.max(0, ...parts.details.map((detail) => detail.label.length)) + 2;
  const text = [
    parts.greeting,
    '',
    ...parts.paragraphs.flatMap((paragraph) => [paragraph, '']),
    ...(parts.details.length ? [...parts.details.map((detail) => `${`${detail.label}:`.padEnd(detailWidth)}${detail.value}`), ''] : []),
    `${parts.button}: ${input.portalUrl}`,
    '',
    parts.footer,
    '',
    `— ${business}`,
  ].join('\n');
  const detailRows = parts.details
    .map(
      (detail) =>
        `<tr><td style="padding:6px 16px 6px 0;color:#4b5563;vertical-align:top">${e(detail.label)}</td><td style="padding:6px 0;font-weight:600;text-align:right">${e(detail.value)}</td></tr>`,
    )
    .join('\n');
  const html = shell(
    language,
    parts.subject,
    color,
    `<p style="margin:0 0 16px;font-weight:600;font-size:18px">${e(business)}</p>
<p style="margin:0 0 16px">${e(parts.greeting)}</p>
${parts.paragraphs.map((paragraph) => `<p style="margin:0 0 16px">${e(paragraph)}</p>`).join('\n')}
${detailRows ? `<table role="presentation" width="100%" cellpadding="0" cellspacing="0" style="margin:8px 0 24px;border-top:1px solid #e5e7eb;border-bottom:1px solid #e5e7eb">\n${detailRows}\n</table>` : ''}
${button(input.portalUrl, parts.button, color)}
<p style="margin:0;font-size:14px;color:#4b5563">${e(parts.footer)}</p>`,
  );
  return { to: input.to.email, subject: oneLine(parts.subject), text: `${text}\n`, html };
}

/** A successful payment: the receipt. */
export interface PaymentSucceededInput extends NotificationInput {
  total: MailMoney;
  paidAt: string;
  /** What was paid for, e.g. the product or the invoice's first line (a server-written one in the customer's language). */
  description: string | DescribedLine;
  paymentId: string;
  invoiceNumber?: string | null;
}

export function paymentSucceededEmail(input: PaymentSucceededInput): MailMessage {
  return notification(input, ({ language, business, locale }) => {
    const total = money(input.total, locale);
    const words = {
      en: {
        subject: `Your receipt from ${business}: ${total}`,
        thanks: `Thank you for your payment to ${business}. This is your receipt.`,
        amount: 'Amount paid',
        date: 'Date',
        item: 'Description',
        invoice: 'Invoice',
        reference: 'Payment reference',
      },
      sv: {
        subject: `Ditt kvitto från ${business}: ${total}`,
        thanks: `Tack för din betalning till ${business}. Här är ditt kvitto.`,
        amount: 'Betalt belopp',
        date: 'Datum',
        item: 'Beskrivning',
        invoice: 'Faktura',
        reference: 'Betalningsreferens',
      },
      ...fromCatalogues((catalogue) => catalogue.receipt({ business, total })),
    }[language];
    return {
      subject: words.subject,
      paragraphs: [words.thanks],
      details: [
        { label: words.amount, value: total },
        { label: words.date, value: formatDate(input.paidAt, locale) },
        { label: words.item, value: typeof input.description === 'string' ? input.description : describeLine(input.description, locale) },
        ...(input.invoiceNumber ? [{ label: words.invoice, value: input.invoiceNumber }] : []),
        { label: words.reference, value: input.paymentId },
      ],
    };
  });
}

/** A failed charge; with `onHold` the subscription is paused until the customer pays. */
export interface PaymentFailedInput extends NotificationInput {
  total: MailMoney;
  attemptedAt: string;
  productName: string;
  onHold: boolean;
  /** The processor's reason, shown as given (e.g. "Your card was declined."). */
  reason?: string | null;
}

export function paymentFailedEmail(input: PaymentFailedInput): MailMessage {
  return notification(input, ({ language, business, locale }) => {
    const total = money(input.total, locale);
    const words = {
      en: {
        subject: input.onHold ? `Your ${input.productName} subscription with ${business} is on hold` : `Your payment of ${total} to ${business} failed`,
        failed: `We could not charge ${total} for ${input.productName}.`,
        next: input.onHold
          ? 'Your subscription is on hold until the payment goes through. Update your payment method to continue.'
          : 'Update your payment method to keep your subscription running without interruption.',
        amount: 'Amount due',
        date: 'Attempted',
        reason: 'Reason',
      },
      sv: {
        subject: input.onHold ? `Ditt abonnemang ${input.productName} hos ${business} är pausat` : `Din betalning på ${total} till ${business} misslyckades`,
        failed: `Vi kunde inte dra ${total} för ${input.productName}.`,
        next: input.onHold
          ? 'Ditt abonnemang är pausat tills betalningen går igenom. Uppdatera ditt betalsätt för att fortsätta.'
          : 'Uppdatera ditt betalsätt så att ditt abonnemang fortsätter utan avbrott.',
        amount: 'Belopp att betala',
        date: 'Försök',
        reason: 'Orsak',
      },
      ...fromCatalogues((catalogue) => catalogue.paymentFailed({ business, total, productName: input.productName, onHold: input.onHold })),
    }[language];
    return {
      subject: words.subject,
      paragraphs: [words.failed, words.next],
      details: [
        { label: words.amount, value: total },
        { label: words.date, value: formatDate(input.attemptedAt, locale) },
        ...(input.reason ? [{ label: words.reason, value: input.reason }] : []),
      ],
    };
  });
}

/** A subscription that was on hold (or cancelled at period end) runs again. */
export interface SubscriptionReactivatedInput extends NotificationInput {
  productName: string;
  price: MailMoney;
  recurrence?: MailRecurrence;
  nextBillingAt?: string | null;
}

export function subscriptionReactivatedEmail(input: SubscriptionReactivatedInput): MailMessage {
  return notification(input, ({ language, business, locale }) => {
    const words = {
      en: {
        subject: `Your ${input.productName} subscription with ${business} is active again`,
        body: `Good news: your subscription to ${input.productName} is active again.`,
        plan: 'Plan',
        price: 'Price',
        next: 'Next payment',
      },
      sv: {
        subject: `Ditt abonnemang ${input.productName} hos ${business} är aktivt igen`,
        body: `Goda nyheter: ditt abonnemang ${input.productName} är aktivt igen.`,
        plan: 'Plan',
        price: 'Pris',
        next: 'Nästa betalning',
      },
      ...fromCatalogues((catalogue) => catalogue.reactivated({ business, productName: input.productName })),
    }[language];
    return {
      subject: words.subject,
      paragraphs: [words.body],
      details: [
        { label: words.plan, value: input.productName },
        { label: words.price, value: priceText(input.price, input.recurrence, language, locale) },
        ...(input.nextBillingAt ? [{ label: words.next, value: formatDate(input.nextBillingAt, locale) }] : []),
      ],
    };
  });
}

/** The customer (or merchant) moved the subscription to another plan. */
export interface PlanChangedInput extends NotificationInput {
  fromPlan: string;
  toPlan: string;
  price: MailMoney;
  recurrence?: MailRecurrence;
  effectiveAt: string;
  /** Charged now for the rest of the period (proration), when any. */
  chargedNow?: MailMoney | null;
}

export function planChangedEmail(input: PlanChangedInput): MailMessage {
  return notification(input, ({ language, business, locale }) => {
    const words = {
      en: {
        subject: `Your plan with ${business} changed to ${input.toPlan}`,
        body: `Your subscription moved from ${input.fromPlan} to ${input.toPlan}.`,
        from: 'Previous plan',
        to: 'New plan',
        price: 'New price',
        when: 'Effective',
        charged: 'Charged now',
      },
      sv: {
        subject: `Din plan hos ${business} är nu ${input.toPlan}`,
        body: `Ditt abonnemang har bytts från ${input.fromPlan} till ${input.toPlan}.`,
        from: 'Tidigare plan',
        to: 'Ny plan',
        price: 'Nytt pris',
        when: 'Gäller från',
        charged: 'Debiterat nu',
      },
      ...fromCatalogues((catalogue) => catalogue.planChanged({ business, fromPlan: input.fromPlan, toPlan: input.toPlan })),
    }[language];
    return {
      subject: words.subject,
      paragraphs: [words.body],
      details: [
        { label: words.from, value: input.fromPlan },
        { label: words.to, value: input.toPlan },
        { label: words.price, value: priceText(input.price, input.recurrence, language, locale) },
        { label: words.when, value: formatDate(input.effectiveAt, locale) },
        ...(input.chargedNow ? [{ label: words.charged, value: money(input.chargedNow, locale) }] : []),
      ],
    };
  });
}

/** A cancellation: at once (`endsAt` = now) or at the end of the paid period. */
export interface SubscriptionCancelledInput extends NotificationInput {
  productName: string;
  /** When access ends (or ended). */
  endsAt: string;
  immediately: boolean;
}

export function subscriptionCancelledEmail(input: SubscriptionCancelledInput): MailMessage {
  return notification(input, ({ language, business, locale }) => {
    const when = formatDate(input.endsAt, locale);
    const words = {
      en: {
        subject: `Your ${input.productName} subscription with ${business} is cancelled`,
        body: input.immediately
          ? `Your subscription to ${input.productName} has been cancelled and ended on ${when}. The unused time you had paid for is not refunded.`
          : `Your subscription to ${input.productName} has been cancelled. You keep access until ${when}, and you will not be charged again.`,
        plan: 'Plan',
        ends: input.immediately ? 'Ended' : 'Access until',
        changed: input.immediately ? `Changed your mind? Contact ${business} to subscribe again.` : `Changed your mind? Until ${when} you can undo the cancellation in the billing portal.`,
      },
      sv: {
        subject: `Ditt abonnemang ${input.productName} hos ${business} är avslutat`,
        body: input.immediately
          ? `Ditt abonnemang ${input.productName} har sagts upp och upphörde ${when}. Den oanvända tid du redan har betalat för återbetalas inte.`
          : `Ditt abonnemang ${input.productName} har sagts upp. Du har tillgång till ${when} och debiteras inte igen.`,
        plan: 'Plan',
        ends: input.immediately ? 'Upphörde' : 'Tillgång till',
        changed: input.immediately ? `Ångrat dig? Kontakta ${business} för att prenumerera igen.` : `Ångrat dig? Fram till ${when} kan du ångra uppsägningen i kundportalen.`,
      },
      ...fromCatalogues((catalogue) => catalogue.cancelled({ business, productName: input.productName, when, immediately: input.immediately })),
    }[language];
    return {
      subject: words.subject,
      paragraphs: [words.body, words.changed],
      details: [
        { label: words.plan, value: input.productName },
        { label: words.ends, value: when },
      ],
    };
  });
}
