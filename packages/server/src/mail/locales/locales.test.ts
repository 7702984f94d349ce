/**
 * Every email exists in every supported language: each template, rendered for a customer in
 * that language, must not be the English fallback. A template added to ../templates.ts without
 * a sample here fails too, so a new email cannot skip this check.
 */
import { describe, expect, it } from 'vitest';
import type { MailMessage } from '../mailer.ts';
import * as templates from '../templates.ts';
import { catalogueLanguages } from './index.ts';

const LANGUAGES = ['en', 'sv', ...catalogueLanguages] as const;
const brand = { display_name: 'Nordlicht', primary_color: '#0f766e' };
const to = (locale: string) => ({ email: 'ada@example.com', name: 'Ada', locale });
const notification = (locale: string) => ({ to: to(locale), brand, portalUrl: 'https://portal.test/login' });
const access = (locale: string) => ({ to: to(locale), brand, link: 'https://portal.test/magic#code=x', expiresAt: '2025-03-02T12:00:00.000Z' });

/** A sample input per exported `…Email` template, naming every optional part so all words show. */
const SAMPLES: Record<string, (locale: string) => MailMessage> = {
  portalLinkEmail: (locale) => templates.portalLinkEmail(access(locale)),
  signInLinkEmail: (locale) => templates.signInLinkEmail(access(locale)),
  unifiedSignInEmail: (locale) => templates.unifiedSignInEmail({ ...access(locale), businesses: ['Nordlicht', 'Solbakken'] }),
  paymentSucceededEmail: (locale) =>
    templates.paymentSucceededEmail({
      ...notification(locale),
      total: { amount: 123456, currency: 'EUR' },
      paidAt: '2025-03-01T12:00:00.000Z',
      description: 'Pro',
      paymentId: 'pay_1',
      invoiceNumber: 'INV-42',
    }),
  paymentFailedEmail: (locale) =>
    templates.paymentFailedEmail({
      ...notification(locale),
      total: { amount: 999, currency: 'EUR' },
      attemptedAt: '2025-03-02T00:00:00.000Z',
      productName: 'Pro',
      onHold: false,
      reason: 'Declined',
    }),
  subscriptionReactivatedEmail: (locale) =>
    templates.subscriptionReactivatedEmail({
      ...notification(locale),
      productName: 'Pro',
      price: { amount: 4900, currency: 'EUR' },
      recurrence: { interval: 'week', interval_count: 2 },
      nextBillingAt: '2025-04-01T00:00:00.000Z',
    }),
  planChangedEmail: (locale) =>
    templates.planChangedEmail({
      ...notification(locale),
      fromPlan: 'Basic',
      toPlan: 'Pro',
      price: { amount: 12000, currency: 'EUR' },
      recurrence: { interval: 'month' },
      effectiveAt: '2025-03-15T00:00:00.000Z',
      chargedNow: { amount: 2550, currency: 'EUR' },
    }),
  subscriptionCancelledEmail: (locale) => templates.subscriptionCancelledEmail({ ...notification(locale), productName: 'Pro', endsAt: '2025-03-31T00:00:00.000Z', immediately: false }),
};
/** Variants whose words differ from the sample's (on hold, cancelled at once). */
const VARIANTS: Record<string, (locale: string) => MailMessage> = {
  'paymentFailedEmail (on hold)': (locale) =>
    templates.paymentFailedEmail({ ...notification(locale), total: { amount: 999, currency: 'EUR' }, attemptedAt: '2025-03-02T00:00:00.000Z', productName: 'Pro', onHold: true }),
  'subscriptionCancelledEmail (immediately)': (locale) =>
    templates.subscriptionCancelledEmail({ ...notification(locale), productName: 'Pro', endsAt: '2025-03-31T00:00:00.000Z', immediately: true }),
};

/** Sentences (four words or more) of the English email that reappear verbatim: untranslated. */
const englishSentences = (english: MailMessage, mail: MailMessage): string[] =>
  english.text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line.split(/\s+/).length >= 4 && mail.text.includes(line));

describe('email languages', () => {
  it('every template has a sample here', () => {
    const exported = Object.entries(templates)
      .filter(([name, value]) => typeof value === 'function' && name.endsWith('Email'))
      .map(([name]) => name);
    expect(
      exported.filter((name) => !(name in SAMPLES)),
      'templates without a sample in locales.test.ts',
    ).toEqual([]);
  });

  it('maps a customer locale to its language, or English', () => {
    expect(['sv-SE', 'de-AT', 'fr-CA', 'es-MX', 'ES', 'pt-BR', 'not a locale!'].map(templates.mailLanguage)).toEqual(['sv', 'de', 'fr', 'es', 'es', 'en', 'en']);
  });

  it('renders every template in every language (none falls back to English)', () => {
    const missing: string[] = [];
    for (const [name, render] of Object.entries({ ...SAMPLES, ...VARIANTS })) {
      const english = render('en');
      for (const language of LANGUAGES.filter((l) => l !== 'en')) {
        const mail = render(language);
        const problems = [
          mail.subject === english.subject ? 'English subject' : null,
          mail.text.split('\n')[0] === english.text.split('\n')[0] ? 'English greeting' : null,
          ...englishSentences(english, mail).map((line) => `English line ${JSON.stringify(line)}`),
          mail.html?.includes(`<html lang="${language}">`) ? null : 'wrong <html lang>',
          /undefined|\[object /.test(mail.text) ? 'a hole in the text' : null,
        ].filter(Boolean);
        if (problems.length) missing.push(`${name} [${language}]: ${problems.join('; ')}`);
      }
    }
    expect(missing, 'emails missing in a language').toEqual([]);
  });

  it("formats dates, money and recurrence in the customer's conventions", () => {
    const text = (render: (locale: string) => MailMessage, locale: string) => render(locale).text.replace(/[\u00a0\u202f]/g, ' ');
    expect(text(SAMPLES.paymentSucceededEmail!, 'de-DE')).toContain('1.234,56 €');
    expect(text(SAMPLES.paymentSucceededEmail!, 'de-DE')).toContain('1. März 2025');
    expect(text(SAMPLES.paymentSucceededEmail!, 'de-AT')).toContain('1. März 2025');
    expect(text(SAMPLES.paymentSucceededEmail!, 'fr-FR')).toContain('1 234,56 €');
    expect(text(SAMPLES.paymentSucceededEmail!, 'fr-FR')).toContain('1 mars 2025');
    expect(text(SAMPLES.paymentSucceededEmail!, 'es-ES')).toContain('1234,56 €');
    expect(text(SAMPLES.paymentSucceededEmail!, 'es-ES')).toContain('1 de marzo de 2025');
    expect(text(SAMPLES.subscriptionReactivatedEmail!, 'de')).toContain('49,00 € alle 2 Wochen');
    expect(text(SAMPLES.subscriptionReactivatedEmail!, 'fr')).toContain('49,00 € toutes les 2 semaines');
    expect(text(SAMPLES.subscriptionReactivatedEmail!, 'es')).toContain('49,00 € cada 2 semanas');
    expect(text(SAMPLES.planChangedEmail!, 'es')).toContain('120,00 € al mes');
    expect(text(SAMPLES.unifiedSignInEmail!, 'fr')).toContain('Nordlicht et Solbakken');
    expect(text(SAMPLES.unifiedSignInEmail!, 'de')).toContain('Nordlicht und Solbakken');
  });
});
