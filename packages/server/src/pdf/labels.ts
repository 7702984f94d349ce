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
  /** One refund's line after the totals; `date` is already formatted. */
  refundedOn: (date: string) => string;
  /** The sum of the refunds. */
  amountRefunded: string;
  /** The total less the refunds. */
  netPaid: string;
  /** An open invoice: what is still to pay (after the totals), and by when (with the dates). */
  amountDue: string;
  dueDate: string;
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
  refundedOn: (date) => `Refunded on ${date}`,
  amountRefunded: 'Amount refunded',
  netPaid: 'Net paid',
  amountDue: 'Amount due',
  dueDate: 'Due date',
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
  refundedOn: (date) => `Återbetalt den ${date}`,
  amountRefunded: 'Återbetalt belopp',
  netPaid: 'Betalt efter återbetalning',
  amountDue: 'Att betala',
  dueDate: 'Förfallodatum',
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
  refundedOn: (date) => `Erstattet am ${date}`,
  amountRefunded: 'Erstatteter Betrag',
  netPaid: 'Bezahlt abzüglich Erstattungen',
  amountDue: 'Fälliger Betrag',
  dueDate: 'Fällig am',
};

const fr: InvoiceLabels = {
  invoice: 'Facture',
  issued: 'Date d’émission',
  paid: 'Payée le',
  status: 'Statut',
  statuses: { open: 'À payer', paid: 'Payée', void: 'Annulée' },
  billTo: 'Facturé à',
  description: 'Description',
  quantity: 'Qté',
  unitPrice: 'Prix unitaire',
  amount: 'Montant',
  subtotal: 'Sous-total',
  tax: 'Taxes',
  total: 'Total',
  page: (current, total) => `Page ${current} sur ${total}`,
  refundedOn: (date) => `Remboursé le ${date}`,
  amountRefunded: 'Montant remboursé',
  netPaid: 'Net payé',
  amountDue: 'Montant dû',
  dueDate: 'Date d’échéance',
};

const es: InvoiceLabels = {
  invoice: 'Factura',
  issued: 'Fecha de emisión',
  paid: 'Pagada el',
  status: 'Estado',
  statuses: { open: 'Pendiente', paid: 'Pagada', void: 'Anulada' },
  billTo: 'Facturar a',
  description: 'Descripción',
  quantity: 'Cant.',
  unitPrice: 'Precio unitario',
  amount: 'Importe',
  subtotal: 'Subtotal',
  tax: 'Impuestos',
  total: 'Total',
  page: (current, total) => `Página ${current} de ${total}`,
  refundedOn: (date) => `Reembolsado el ${date}`,
  amountRefunded: 'Importe reembolsado',
  netPaid: 'Importe neto pagado',
  amountDue: 'Importe pendiente',
  dueDate: 'Fecha de vencimiento',
};

const byLanguage: Record<string, InvoiceLabels> = { en, sv, de, fr, es };

export function invoiceLabels(locale: string): InvoiceLabels {
  const language = locale.split('-')[0]?.toLowerCase() ?? 'en';
  return byLanguage[language] ?? en;
}
