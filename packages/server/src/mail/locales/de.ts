/** German emails (formal „Sie“). The first paragraph after „Hallo …,“ starts in lower case, as in a German letter. */
import type { MailCatalogue } from './catalogue.ts';

const intervals: MailCatalogue['intervals'] = { day: ['Tag', 'Tage'], week: ['Woche', 'Wochen'], month: ['Monat', 'Monate'], year: ['Jahr', 'Jahre'] };

const signIn = {
  greeting: (name: string) => `Hallo ${name},`,
  button: 'Anmelden',
  expiry: (when: string) => `Der Link läuft am ${when} ab. Leiten Sie diese E-Mail nicht weiter.`,
  ignore: 'Falls Sie keine Anmeldung angefordert haben, können Sie diese E-Mail ignorieren: Solange der Link nicht verwendet wird, ändert sich nichts.',
};

export const de: MailCatalogue = {
  portalLink: {
    subject: (business) => `Ihr Link zum Kundenportal von ${business}`,
    greeting: (name) => `Hallo ${name},`,
    intro: (business) => `hier ist Ihr Link zum Kundenportal von ${business}. Dort können Sie Ihre Rechnungen ansehen und herunterladen.`,
    button: 'Kundenportal öffnen',
    expiry: (when) => `Der Link ist bis ${when} gültig. Leiten Sie diese E-Mail nicht weiter: Jeder, der den Link hat, kann Ihre Abrechnung einsehen.`,
    ignore: 'Falls Sie diese E-Mail nicht erwartet haben, können Sie sie ignorieren.',
  },
  signInLink: {
    ...signIn,
    subject: (business) => `Anmeldung zu Ihrer Abrechnung bei ${business}`,
    intro: (business) => `melden Sie sich über die Schaltfläche unten im Kundenportal von ${business} an. Der Link funktioniert nur einmal.`,
  },
  unifiedSignIn: {
    ...signIn,
    subject: (businesses) => `Anmeldung zu Ihrer Abrechnung bei ${businesses}`,
    intro: (businesses) => `über die Schaltfläche unten sehen Sie Ihre Rechnungen und Abonnements bei ${businesses} an einem Ort. Der Link funktioniert nur einmal.`,
  },
  intervals,
  every: (count, interval) => (count === 1 ? `pro ${intervals[interval][0]}` : `alle ${count} ${intervals[interval][1]}`),
  common: {
    greeting: (name) => `Hallo ${name},`,
    button: 'Abrechnung verwalten',
    footer: 'Sie erhalten diese E-Mail als Kunde von',
    questions: (business) => `Fragen zu Ihrer Abrechnung? Wenden Sie sich an ${business}.`,
  },
  receipt: ({ business, total }) => ({
    subject: `Ihre Zahlungsbestätigung von ${business}: ${total}`,
    thanks: `vielen Dank für Ihre Zahlung an ${business}. Dies ist Ihre Zahlungsbestätigung.`,
    amount: 'Gezahlter Betrag',
    date: 'Datum',
    item: 'Beschreibung',
    invoice: 'Rechnung',
    reference: 'Zahlungsreferenz',
  }),
  paymentFailed: ({ business, total, productName, onHold }) => ({
    subject: onHold ? `Ihr Abonnement ${productName} bei ${business} ist pausiert` : `Ihre Zahlung von ${total} an ${business} ist fehlgeschlagen`,
    failed: `wir konnten ${total} für ${productName} nicht abbuchen.`,
    next: onHold
      ? 'Ihr Abonnement ist pausiert, bis die Zahlung eingegangen ist. Aktualisieren Sie Ihre Zahlungsmethode, um es fortzusetzen.'
      : 'Aktualisieren Sie Ihre Zahlungsmethode, damit Ihr Abonnement ohne Unterbrechung weiterläuft.',
    amount: 'Offener Betrag',
    date: 'Versucht am',
    reason: 'Grund',
  }),
  reactivated: ({ business, productName }) => ({
    subject: `Ihr Abonnement ${productName} bei ${business} ist wieder aktiv`,
    body: `gute Nachrichten: Ihr Abonnement ${productName} ist wieder aktiv.`,
    plan: 'Tarif',
    price: 'Preis',
    next: 'Nächste Zahlung',
  }),
  planChanged: ({ business, fromPlan, toPlan }) => ({
    subject: `Ihr Tarif bei ${business} wurde auf ${toPlan} umgestellt`,
    body: `Ihr Abonnement wurde von ${fromPlan} auf ${toPlan} umgestellt.`,
    from: 'Bisheriger Tarif',
    to: 'Neuer Tarif',
    price: 'Neuer Preis',
    when: 'Gültig ab',
    charged: 'Jetzt berechnet',
  }),
  cancelled: ({ business, productName, when, immediately }) => ({
    subject: `Ihr Abonnement ${productName} bei ${business} ist gekündigt`,
    body: immediately
      ? `Ihr Abonnement ${productName} wurde gekündigt und endete am ${when}. Die bereits bezahlte, nicht genutzte Zeit wird nicht erstattet.`
      : `Ihr Abonnement ${productName} wurde gekündigt. Sie haben bis zum ${when} Zugriff, und es wird nichts mehr abgebucht.`,
    plan: 'Tarif',
    ends: immediately ? 'Beendet am' : 'Zugriff bis',
    changed: immediately
      ? `Haben Sie es sich anders überlegt? Wenden Sie sich an ${business}, um erneut ein Abonnement abzuschließen.`
      : `Haben Sie es sich anders überlegt? Bis zum ${when} können Sie die Kündigung im Kundenportal zurücknehmen.`,
  }),
};
