/** The invoice PDF's own words, per language; unknown languages fall back to English. */
export interface InvoiceLabels {
  invoice: string;
  issued: string;
  paid: string;
  status: string;
  statuses: { open: string; paid: string; void: string };
  billTo: string;
  description: string;
  quantity: string;
  unitPrice: string;
  amount: string;
  subtotal: string;
  tax: string;
  total: string;
  page: (current: number, total: number) => string;
}

const en: InvoiceLabels = {
  invoice: 'Invoice',
  issued: 'Issue date',
  paid: 'Paid on',
  status: 'Status',
  statuses: { open: 'Open', paid: 'Paid', void: 'Void' },
  billTo: 'Bill to',
  description: 'Description',
  quantity: 'Qty',
  unitPrice: 'Unit price',
  amount: 'Amount',
  subtotal: 'Subtotal',
  tax: 'Tax',
  total: 'Total',
  page: (current, total) => `Page ${current} of ${total}`,
};

const sv: InvoiceLabels = {
  invoice: 'Faktura',
  issued: 'Fakturadatum',
  paid: 'Betald',
  status: 'Status',
  statuses: { open: 'Obetald', paid: 'Betald', void: 'Makulerad' },
  billTo: 'Faktureras till',
  description: 'Beskrivning',
  quantity: 'Antal',
  unitPrice: 'À-pris',
  amount: 'Belopp',
  subtotal: 'Delsumma',
  tax: 'Moms',
  total: 'Totalt',
  page: (current, total) => `Sida ${current} av ${total}`,
};

const de: InvoiceLabels = {
  invoice: 'Rechnung',
  issued: 'Rechnungsdatum',
  paid: 'Bezahlt am',
  status: 'Status',
  statuses: { open: 'Offen', paid: 'Bezahlt', void: 'Storniert' },
  billTo: 'Rechnung an',
  description: 'Beschreibung',
  quantity: 'Menge',
  unitPrice: 'Einzelpreis',
  amount: 'Betrag',
  subtotal: 'Zwischensumme',
  tax: 'Steuer',
  total: 'Gesamt',
  page: (current, total) => `Seite ${current} von ${total}`,
};

const byLanguage: Record<string, InvoiceLabels> = { en, sv, de };

export function invoiceLabels(locale: string): InvoiceLabels {
  const language = locale.split('-')[0]?.toLowerCase() ?? 'en';
  return byLanguage[language] ?? en;
}
