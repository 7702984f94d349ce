import { describe, expect, it } from 'vitest';
import type { MailMessage } from './mailer.ts';
import {
  mailLanguage,
  paymentFailedEmail,
  paymentSucceededEmail,
  planChangedEmail,
  portalLinkEmail,
  signInLinkEmail,
  subscriptionCancelledEmail,
  subscriptionReactivatedEmail,
  type NotificationInput,
} from './templates.ts';
import { lineText } from '../domain/line-descriptions.ts';

const HOSTILE = '<script>alert("x")</script>';
const brand = { display_name: `Shop & ${HOSTILE}`, primary_color: '#0f766e' };
const portalUrl = 'https://portal.test/test/login/biz_0123456789abcdefghjkmnpqrs';
const base = (locale: string): NotificationInput => ({ to: { email: 'ada@example.com', name: HOSTILE, locale }, brand, portalUrl });

/** Every template, with hostile text in each free-text field, and the words a reader must see. */
const TEMPLATES: { name: string; render: (locale: string) => MailMessage; expect: Record<'en' | 'sv', { subject: RegExp; text: string[] }> }[] = [
  {
    name: 'payment succeeded (receipt)',
    render: (locale) =>
      paymentSucceededEmail({
        ...base(locale),
        total: { amount: 123456, currency: 'EUR' },
        paidAt: '2025-03-01T12:00:00.000Z',
        description: `Pro ${HOSTILE}`,
        paymentId: 'pay_1',
        invoiceNumber: 'INV-000042',
      }),
    expect: {
      en: { subject: /^Your receipt from Shop & <script>alert\("x"\)<\/script>: €1,234\.56$/, text: ['Amount paid:', '€1,234.56', 'March 1, 2025', 'INV-000042', 'pay_1'] },
      sv: { subject: /^Ditt kvitto från Shop & .*: 1\s234,56\s€$/, text: ['Betalt belopp:', '1 mars 2025', 'INV-000042', 'Betalningsreferens:'] },
    },
  },
  {
    name: 'payment failed',
    render: (locale) =>
      paymentFailedEmail({
        ...base(locale),
        total: { amount: 1000, currency: 'JPY' },
        attemptedAt: '2025-03-02T00:00:00.000Z',
        productName: `Pro ${HOSTILE}`,
        onHold: false,
        reason: `Declined ${HOSTILE}`,
      }),
    expect: {
      en: { subject: /^Your payment of ¥1,000 to Shop & .* failed$/, text: ['We could not charge ¥1,000 for Pro', 'Update your payment method', 'Reason:'] },
      sv: { subject: /^Din betalning på 1\s000\sJPY till Shop & .* misslyckades$/, text: ['Vi kunde inte dra', 'Uppdatera ditt betalsätt', 'Orsak:'] },
    },
  },
  {
    name: 'subscription on hold',
    render: (locale) =>
      paymentFailedEmail({ ...base(locale), total: { amount: 999, currency: 'USD' }, attemptedAt: '2025-03-02T00:00:00.000Z', productName: `Pro ${HOSTILE}`, onHold: true }),
    expect: {
      en: { subject: /^Your Pro <script>.* subscription with Shop & .* is on hold$/, text: ['$9.99', 'on hold until the payment goes through'] },
      sv: { subject: /^Ditt abonnemang Pro <script>.* hos Shop & .* är pausat$/, text: ['9,99', 'pausat tills betalningen går igenom'] },
    },
  },
  {
    name: 'subscription reactivated',
    render: (locale) =>
      subscriptionReactivatedEmail({
        ...base(locale),
        productName: `Pro ${HOSTILE}`,
        price: { amount: 4900, currency: 'SEK' },
        recurrence: { interval: 'month' },
        nextBillingAt: '2025-04-01T00:00:00.000Z',
      }),
    expect: {
      en: { subject: /is active again$/, text: ['SEK 49.00 per month', 'April 1, 2025'] },
      sv: { subject: /är aktivt igen$/, text: ['49,00 kr per månad', '1 april 2025'] },
    },
  },
  {
    name: 'plan changed',
    render: (locale) =>
      planChangedEmail({
        ...base(locale),
        fromPlan: `Basic ${HOSTILE}`,
        toPlan: 'Pro',
        price: { amount: 12000, currency: 'USD' },
        recurrence: { interval: 'month', interval_count: 3 },
        effectiveAt: '2025-03-15T00:00:00.000Z',
        chargedNow: { amount: 2550, currency: 'USD' },
      }),
    expect: {
      en: { subject: /^Your plan with Shop & .* changed to Pro$/, text: ['$120.00 every 3 months', 'Charged now:', '$25.50', 'March 15, 2025'] },
      sv: { subject: /^Din plan hos Shop & .* är nu Pro$/, text: ['var 3:e månader', 'Debiterat nu:', '25,50', '15 mars 2025'] },
    },
  },
  {
    name: 'subscription cancelled',
    render: (locale) => subscriptionCancelledEmail({ ...base(locale), productName: `Pro ${HOSTILE}`, endsAt: '2025-03-31T00:00:00.000Z', immediately: false }),
    expect: {
      en: { subject: /is cancelled$/, text: ['You keep access until March 31, 2025', 'Access until:'] },
      sv: { subject: /är avslutat$/, text: ['Du har tillgång till 31 mars 2025', 'Tillgång till:'] },
    },
  },
];

describe('notification emails', () => {
  for (const template of TEMPLATES) {
    for (const [locale, language] of [
      ['en-US', 'en'],
      ['sv-SE', 'sv'],
    ] as const) {
      it(`${template.name} renders in ${language}, branded, with every value escaped`, () => {
        const mail = template.render(locale);
        const expected = template.expect[language];
        expect(mail.to).toBe('ada@example.com');
        expect(mail.subject).toMatch(expected.subject);
        expect(mail.subject).not.toMatch(/[\r\n]/);
        for (const words of expected.text) expect(mail.text.replace(/\u00a0|\u202f/g, ' ')).toContain(words);
        expect(mail.text).toContain(`${language === 'sv' ? 'Hej' : 'Hi'} ${HOSTILE}`);
        expect(mail.text).toContain(portalUrl);

        const html = mail.html!;
        expect(html).toContain(`<html lang="${language}">`);
        expect(html).toContain('#0f766e');
        expect(html).toContain(`href="${portalUrl}"`);
        // The hostile text appears only escaped: no tag, no attribute break-out.
        expect(html).not.toContain('<script');
        expect(html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;');
        expect(html).toContain('Shop &amp; ');
      });
    }
  }

  it('falls back to the default colour for a colour that is not a hex code, and to English for other locales', () => {
    const mail = paymentSucceededEmail({
      ...base('pt-BR'),
      brand: { display_name: 'Shop', primary_color: 'red;background:url(x)' },
      total: { amount: 500, currency: 'EUR' },
      paidAt: '2025-03-01T00:00:00.000Z',
      description: 'Plan',
      paymentId: 'pay_2',
    });
    // English text, so English formats: a pt-BR reader of an English email sees €5.00, not € 5,00.
    expect(mail.subject).toBe('Your receipt from Shop: €5.00');
    expect(mail.html).not.toContain('url(x)');
    expect(mail.html).toContain('#1d4ed8');
    expect(mail.text).not.toContain('Invoice:');
  });

  it("writes a server-written description (the renewal receipt's line) in the customer's language", () => {
    const receipt = (locale: string) =>
      paymentSucceededEmail({
        ...base(locale),
        total: { amount: 500, currency: 'EUR' },
        paidAt: '2025-03-01T00:00:00.000Z',
        description: lineText('subscription.renewal', { product: 'Pro' }),
        paymentId: 'p',
      });
    expect(receipt('de-DE').text).toContain('Pro: Verlängerung');
    expect(receipt('sv').text).toContain('Pro: förnyelse');
    expect(receipt('en').text).toContain('Pro: renewal');
  });

  it('formats money exactly from minor units, whatever the currency exponent', () => {
    const receipt = (amount: number, currency: string) =>
      paymentSucceededEmail({ ...base('en-US'), total: { amount, currency }, paidAt: '2025-03-01T00:00:00.000Z', description: 'x', paymentId: 'p' }).subject.replace(/\u00a0/g, ' ');
    expect(receipt(900719925474099, 'USD')).toContain('$9,007,199,254,740.99');
    expect(receipt(1234, 'KWD')).toContain('KWD 1.234');
    expect(receipt(1234, 'JPY')).toContain('¥1,234');
  });

  it('formats dates in the language the email is written in', () => {
    const failed = (locale: string) =>
      paymentFailedEmail({ ...base(locale), total: { amount: 2057, currency: 'USD' }, attemptedAt: '2026-11-30T00:00:00.000Z', productName: 'Starter', onHold: true }).text;
    expect(failed('ja-JP')).toContain('November 30, 2026');
    expect(failed('ja-JP')).not.toContain('年');
    expect(failed('en-GB')).toContain('30 November 2026');
    expect(failed('sv-SE')).toContain('30 november 2026');
  });

  it('survives a locale ICU rejects', () => {
    const mail = subscriptionCancelledEmail({ ...base('not a locale!'), productName: 'Pro', endsAt: '2025-03-31T00:00:00.000Z', immediately: true });
    expect(mail.text).toContain('ended on March 31, 2025');
  });
});

describe('the cancellation email promises only what the portal does', () => {
  const LOCALES = ['en', 'sv-SE', 'de-DE', 'fr-FR', 'es-ES'];
  const cancelled = (locale: string, immediately: boolean) =>
    subscriptionCancelledEmail({ ...base(locale), productName: 'Pro', endsAt: '2025-03-31T00:00:00.000Z', immediately }).text.replace(/\u00a0|\u202f/g, ' ');

  it('says the unused time is not refunded after an immediate cancel, and to contact the business to subscribe again', () => {
    expect(cancelled('en', true)).toContain('ended on March 31, 2025. The unused time you had paid for is not refunded.');
    expect(cancelled('en', true)).toContain('Changed your mind? Contact Shop');
    expect(cancelled('sv-SE', true)).toContain('återbetalas inte');
    expect(cancelled('de-DE', true)).toContain('nicht erstattet');
    expect(cancelled('fr-FR', true)).toContain('n’est pas remboursé');
    expect(cancelled('es-ES', true)).toContain('no se reembolsa');
  });

  it('offers to undo a cancellation at period end in the portal (which it can), until the period ends', () => {
    expect(cancelled('en', false)).toContain('Until March 31, 2025 you can undo the cancellation in the billing portal.');
    expect(cancelled('sv-SE', false)).toContain('Fram till 31 mars 2025 kan du ångra uppsägningen i kundportalen.');
    expect(cancelled('de-DE', false)).toContain('Bis zum 31. März 2025 können Sie die Kündigung im Kundenportal zurücknehmen.');
    expect(cancelled('fr-FR', false)).toContain('Jusqu’au 31 mars 2025, vous pouvez annuler la résiliation');
    expect(cancelled('es-ES', false)).toContain('Hasta el 31 de marzo de 2025 puedes deshacer la cancelación');
  });

  it('never says the customer can subscribe again from the portal (it has no way to start a subscription)', () => {
    const promises = /subscribe again from|prenumerera igen från|neues Abonnement abschließen\.|réabonner depuis|volver a suscribirte desde/i;
    for (const locale of LOCALES) for (const immediately of [true, false]) expect(cancelled(locale, immediately)).not.toMatch(promises);
  });
});

describe('portal-access emails', () => {
  const input = (locale: string) => ({ to: { email: 'ada@example.com', name: HOSTILE, locale }, brand, link: 'https://portal.test/magic#code=dpm_x', expiresAt: '2025-03-02T12:00:00.000Z' });
  it('render in both languages with every value escaped', () => {
    for (const render of [portalLinkEmail, signInLinkEmail]) {
      for (const locale of ['en', 'sv-SE']) {
        const mail = render(input(locale));
        expect(mail.html).toContain(`<html lang="${mailLanguage(locale)}">`);
        expect(mail.html).not.toContain('<script');
        expect(mail.html).toContain('href="https://portal.test/magic#code=dpm_x"');
      }
    }
  });
});
