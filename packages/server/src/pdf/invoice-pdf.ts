/**
 * The invoice as a one-or-more-page PDF (pdfkit). Money is formatted here, at the edge, with
 * Intl in the customer's locale and the currency's own minor digits.
 *
 * Fonts: when every character fits the standard Helvetica (Windows-1252: Latin-1 and the euro
 * sign), that is used: nothing to embed, about a millisecond per page. Otherwise the Noto fonts
 * shipped with the server are embedded (subset), each string in one that covers its script
 * (fonts.ts), so Central European, Greek, Cyrillic, Japanese, Chinese, Korean, Arabic and Hebrew
 * names and products print and extract (pdftotext) correctly.
 */
import PDFDocument from 'pdfkit';
import type { BillingAddress, Invoice } from '@dodo-portal/wire/schemas';
import { localizeInvoice } from '../domain/line-descriptions.ts';
import { formatMoney } from '../domain/money.ts';
import { embedFonts } from './fonts.ts';
import { invoiceLabels } from './labels.ts';
import { openStandardFonts } from './shared-fonts.ts';

export interface InvoicePdfInput {
  invoice: Invoice;
  business: { name: string; brand: { display_name: string; primary_color: string | null } };
  customer: { name: string; email: string; locale: string };
}

// Windows-1252 beyond Latin-1: what Helvetica's encoding in pdfkit can show.
const WIN_ANSI_EXTRA = '\u20ac\u201a\u0192\u201e\u2026\u2020\u2021\u02c6\u2030\u0160\u2039\u0152\u017d\u2018\u2019\u201c\u201d\u2022\u2013\u2014\u02dc\u2122\u0161\u203a\u0153\u017e\u0178';
const OUTSIDE_WIN_ANSI = new RegExp(`[^\\u0020-\\u007e\\u00a0-\\u00ff${WIN_ANSI_EXTRA}]`, 'g');

/** Same-looking Windows-1252 stand-ins for characters Intl puts into amounts and dates. */
function foldForWinAnsi(text: string): string {
  return text
    .normalize('NFC')
    .replace(/[\u202f\u2007]/g, '\u00a0')
    .replace(/[\u2009\u200a]/g, ' ')
    .replace(/\uffe5/g, '\u00a5')
    .replace(/\u2212/g, '-')
    .replace(/[\u200e\u200f\u061c]/g, '');
}

const fitsWinAnsi = (text: string): boolean => foldForWinAnsi(text).search(OUTSIDE_WIN_ANSI) === -1;
const toWinAnsi = (text: string): string => foldForWinAnsi(text).replace(OUTSIDE_WIN_ANSI, '?');

interface LocaleFormats {
  dateFormat: Intl.DateTimeFormat;
  periodFormat: Intl.DateTimeFormat;
  percentFormat: Intl.NumberFormat;
  quantityFormat: Intl.NumberFormat;
  regionNames: Intl.DisplayNames;
}
// Building an Intl formatter costs 10–60 µs, and an invoice used six: they are kept per locale.
// The locale comes from Accept-Language, so the oldest is dropped past a few dozen.
const localeFormats = new Map<string, LocaleFormats>();
function formatsFor(locale: string): LocaleFormats {
  let formats = localeFormats.get(locale);
  if (!formats) {
    formats = {
      dateFormat: new Intl.DateTimeFormat(locale, { dateStyle: 'long', timeZone: 'UTC' }),
      periodFormat: new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeZone: 'UTC' }),
      percentFormat: new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: 2 }),
      quantityFormat: new Intl.NumberFormat(locale),
      regionNames: new Intl.DisplayNames([locale, 'en'], { type: 'region' }),
    };
    if (localeFormats.size >= 64) localeFormats.delete(localeFormats.keys().next().value!);
    localeFormats.set(locale, formats);
  }
  return formats;
}

const COLOR_TEXT = '#1d2433';
const COLOR_MUTED = '#5b6475';
const HEX_COLOR = /^#[0-9a-fA-F]{6}$/;

export function renderInvoicePdf(input: InvoicePdfInput): Promise<Buffer> {
  const { business, customer } = input;
  const locale = customer.locale;
  // Lines the server wrote ("Unused time on Pro") in the customer's language.
  const invoice = localizeInvoice(input.invoice, locale);
  const labels = invoiceLabels(locale);
  const { dateFormat, periodFormat, percentFormat, quantityFormat, regionNames } = formatsFor(locale);
  const formattedMoney = (amount: number) => formatMoney(amount, invoice.currency, locale);
  const formattedDate = (iso: string) => dateFormat.format(new Date(iso));
  // A subscription line's service period, e.g. "1 Mar 2025 – 1 Apr 2025" (end exclusive, as stored).
  const formattedPeriod = (period: { start: string; end: string } | undefined) => (period ? periodFormat.formatRange(new Date(period.start), new Date(period.end)) : undefined);
  // Lines are taxed at their own products' rates: when an invoice mixes rates, each line says its
  // rate under its description ("Tax 6 %"), so the reader can check the tax total.
  // A credit line (spent after tax, rate 0, negative) is not a taxed line.
  const taxed = (line: Invoice['line_items'][number]) => !(line.amount < 0 && line.tax_rate_bps === 0);
  const mixedRates = new Set(invoice.line_items.filter(taxed).map((line) => line.tax_rate_bps)).size > 1;
  const lineNote = (line: Invoice['line_items'][number]) => {
    const rate = mixedRates && taxed(line) ? `${labels.tax} ${percentFormat.format(line.tax_rate_bps / 10_000)}` : undefined;
    return [formattedPeriod(line.period), rate].filter(Boolean).join(' · ') || undefined;
  };
  const notes = invoice.line_items.map(lineNote);
  const address = addressLines(invoice.billing_address, regionNames);

  // Everything the page will print decides the font: standard when it all fits Windows-1252.
  const printed = [
    business.name,
    business.brand.display_name,
    customer.name,
    customer.email,
    ...address,
    ...invoice.line_items.map((line) => line.description),
    ...notes.map((note) => note ?? ''),
    formattedMoney(invoice.total),
    formattedDate(invoice.issued_at),
    ...Object.values(labels).filter((value): value is string => typeof value === 'string'),
    ...Object.values(labels.statuses),
    ...(invoice.refunds ?? []).flatMap((refund) => [labels.refundedOn(formattedDate(refund.created_at)), formattedMoney(-refund.amount)]),
  ];
  const unicode = !printed.every(fitsWinAnsi);
  const clean = unicode ? (text: string) => text : toWinAnsi;
  const money = (amount: number) => clean(formattedMoney(amount));
  const date = (iso: string) => clean(formattedDate(iso));
  const accent = business.brand.primary_color && HEX_COLOR.test(business.brand.primary_color) ? business.brand.primary_color : COLOR_TEXT;

  const doc = new PDFDocument({
    size: 'A4',
    margin: 50,
    bufferPages: true,
    // No default font: pdfkit would parse Helvetica's metrics again (openStandardFonts).
    font: '',
    info: {
      Title: `${labels.invoice} ${invoice.number}`,
      Author: business.name,
      CreationDate: new Date(invoice.issued_at),
    },
  });
  // Helvetica first, as pdfkit's default would be (font F1), also when the embedded fonts are used.
  openStandardFonts(doc, unicode ? ['Helvetica'] : ['Helvetica', 'Helvetica-Bold']);
  // Used by name: pdfkit caches fonts per document by name.
  const fontName = unicode ? embedFonts(doc, locale) : { regular: 'Helvetica', bold: 'Helvetica-Bold' };

  const chunks: Buffer[] = [];
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('data', (chunk: Buffer) => chunks.push(chunk));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });

  const left = doc.page.margins.left;
  const right = doc.page.width - doc.page.margins.right;
  const width = right - left;
  const bottomLimit = () => doc.page.height - doc.page.margins.bottom - 40;

  // Header: seller on the left, document title and number on the right.
  doc
    .font(fontName.bold)
    .fontSize(18)
    .fillColor(accent)
    .text(clean(business.brand.display_name || business.name), left, 50, { width: width / 2 });
  if (business.brand.display_name && business.brand.display_name !== business.name) {
    doc
      .font(fontName.regular)
      .fontSize(9)
      .fillColor(COLOR_MUTED)
      .text(clean(business.name), { width: width / 2 });
  }
  doc
    .font(fontName.bold)
    .fontSize(18)
    .fillColor(COLOR_TEXT)
    .text(clean(labels.invoice), left + width / 2, 50, { width: width / 2, align: 'right' });
  doc
    .font(fontName.regular)
    .fontSize(10)
    .fillColor(COLOR_TEXT)
    .text(clean(invoice.number), left + width / 2, doc.y, { width: width / 2, align: 'right' });

  const metaRows: [string, string][] = [
    [labels.issued, date(invoice.issued_at)],
    [labels.status, labels.statuses[invoice.status]],
  ];
  if (invoice.paid_at) metaRows.push([labels.paid, date(invoice.paid_at)]);
  // Open invoices are due on issue (the billing engine has no payment terms): payable at once in the portal.
  if (invoice.status === 'open') metaRows.push([labels.dueDate, date(invoice.issued_at)]);
  let metaY = doc.y + 6;
  for (const [label, value] of metaRows) {
    doc
      .font(fontName.regular)
      .fontSize(9)
      .fillColor(COLOR_MUTED)
      .text(clean(label), left + width / 2, metaY, { width: width / 4, align: 'right' });
    doc
      .font(fontName.regular)
      .fontSize(9)
      .fillColor(COLOR_TEXT)
      .text(clean(value), left + (3 * width) / 4, metaY, { width: width / 4, align: 'right' });
    metaY = doc.y + 2;
  }

  // Bill to.
  let y = Math.max(metaY, 130) + 10;
  doc.font(fontName.bold).fontSize(9).fillColor(COLOR_MUTED).text(clean(labels.billTo), left, y);
  doc
    .font(fontName.bold)
    .fontSize(11)
    .fillColor(COLOR_TEXT)
    .text(clean(customer.name), left, doc.y + 2, { width: width / 2 });
  doc
    .font(fontName.regular)
    .fontSize(10)
    .text(clean(customer.email), { width: width / 2 });
  for (const line of address) doc.text(clean(line), { width: width / 2 });

  // Line items.
  const columns = {
    description: { x: left, w: width * 0.46 },
    quantity: { x: left + width * 0.46, w: width * 0.1 },
    unit: { x: left + width * 0.56, w: width * 0.22 },
    amount: { x: left + width * 0.78, w: width * 0.22 },
  };
  const tableHeader = (top: number) => {
    doc.font(fontName.bold).fontSize(9).fillColor(COLOR_MUTED);
    doc.text(clean(labels.description), columns.description.x, top, { width: columns.description.w });
    doc.text(clean(labels.quantity), columns.quantity.x, top, { width: columns.quantity.w, align: 'right' });
    doc.text(clean(labels.unitPrice), columns.unit.x, top, { width: columns.unit.w, align: 'right' });
    doc.text(clean(labels.amount), columns.amount.x, top, { width: columns.amount.w, align: 'right' });
    const lineY = doc.y + 4;
    doc.moveTo(left, lineY).lineTo(right, lineY).lineWidth(0.5).strokeColor('#c9ced8').stroke();
    return lineY + 6;
  };

  y = tableHeader(doc.y + 24);
  for (const [index, line] of invoice.line_items.entries()) {
    doc.font(fontName.regular).fontSize(10);
    const description = clean(line.description);
    const note = notes[index];
    const periodText = note ? clean(note) : undefined;
    const descriptionHeight = Math.max(doc.heightOfString(description, { width: columns.description.w }), doc.currentLineHeight());
    const periodHeight = periodText ? doc.fontSize(8.5).heightOfString(periodText, { width: columns.description.w }) + 1 : 0;
    doc.fontSize(10);
    const rowHeight = descriptionHeight + periodHeight;
    if (y + rowHeight > bottomLimit()) {
      doc.addPage();
      y = tableHeader(doc.page.margins.top);
      doc.font(fontName.regular).fontSize(10);
    }
    doc.fillColor(COLOR_TEXT);
    doc.text(description, columns.description.x, y, { width: columns.description.w });
    if (periodText) {
      doc
        .fontSize(8.5)
        .fillColor(COLOR_MUTED)
        .text(periodText, columns.description.x, y + descriptionHeight + 1, { width: columns.description.w });
      doc.fontSize(10).fillColor(COLOR_TEXT);
    }
    doc.text(clean(quantityFormat.format(line.quantity)), columns.quantity.x, y, { width: columns.quantity.w, align: 'right' });
    doc.text(money(line.unit_amount), columns.unit.x, y, { width: columns.unit.w, align: 'right' });
    doc.text(money(line.amount), columns.amount.x, y, { width: columns.amount.w, align: 'right' });
    y += rowHeight + 6;
  }

  // Totals.
  if (y + 70 > bottomLimit()) {
    doc.addPage();
    y = doc.page.margins.top;
  }
  doc.moveTo(columns.unit.x, y).lineTo(right, y).lineWidth(0.5).strokeColor('#c9ced8').stroke();
  y += 8;
  const totals: [string, string, boolean][] = [
    [labels.subtotal, money(invoice.subtotal), false],
    [labels.tax, money(invoice.tax), false],
    [labels.total, money(invoice.total), true],
    ...(invoice.status === 'open' ? [[labels.amountDue, money(invoice.total), true] as [string, string, boolean]] : []),
  ];
  for (const [label, value, strong] of totals) {
    doc
      .font(strong ? fontName.bold : fontName.regular)
      .fontSize(strong ? 12 : 10)
      .fillColor(COLOR_TEXT);
    doc.text(clean(label), columns.unit.x, y, { width: columns.unit.w, align: 'right' });
    doc.text(value, columns.amount.x, y, { width: columns.amount.w, align: 'right' });
    y = doc.y + 4;
  }

  // Refunds, oldest first, then what the customer paid in the end. Labels get the width of two
  // columns: "Refunded on 14 March 2025" does not fit the unit-price column.
  const refunded = invoice.amount_refunded ?? 0;
  if (refunded > 0) {
    type Style = 'muted' | 'plain' | 'strong';
    const refundLines: [string, string, Style][] = [
      ...(invoice.refunds ?? []).map((refund): [string, string, Style] => [labels.refundedOn(formattedDate(refund.created_at)), money(-refund.amount), 'muted']),
      [labels.amountRefunded, money(-refunded), 'plain'],
      [labels.netPaid, money(invoice.total - refunded), 'strong'],
    ];
    const labelX = left + width * 0.3;
    const labelWidth = columns.amount.x - labelX;
    y += 4;
    doc.moveTo(columns.unit.x, y).lineTo(right, y).lineWidth(0.5).strokeColor('#c9ced8').stroke();
    y += 8;
    for (const [label, value, style] of refundLines) {
      const strong = style === 'strong';
      if (y + 20 > bottomLimit()) {
        doc.addPage();
        y = doc.page.margins.top;
      }
      doc
        .font(strong ? fontName.bold : fontName.regular)
        .fontSize(strong ? 12 : 10)
        .fillColor(style === 'muted' ? COLOR_MUTED : COLOR_TEXT);
      doc.text(clean(label), labelX, y, { width: labelWidth, align: 'right' });
      const labelBottom = doc.y;
      doc.fillColor(COLOR_TEXT).text(value, columns.amount.x, y, { width: columns.amount.w, align: 'right' });
      y = Math.max(labelBottom, doc.y) + 4;
    }
  }

  // Page numbers, once the page count is known.
  const range = doc.bufferedPageRange();
  for (let i = range.start; i < range.start + range.count; i += 1) {
    doc.switchToPage(i);
    const footerY = doc.page.height - doc.page.margins.bottom - 12;
    doc.font(fontName.regular).fontSize(8).fillColor(COLOR_MUTED);
    doc.text(clean(`${invoice.number} · ${labels.page(i - range.start + 1, range.count)}`), left, footerY, { width, align: 'center', lineBreak: false });
  }

  doc.end();
  return done;
}

function addressLines(address: BillingAddress | null, regionNames: Intl.DisplayNames): string[] {
  if (!address) return [];
  // "City, ST 12345" where the state belongs on the city line; "12345 City" and a region line elsewhere.
  const stateOnCityLine = ['US', 'CA', 'AU'].includes(address.country) && address.state.trim() !== '';
  const cityLine = stateOnCityLine ? `${address.city}, ${address.state} ${address.zipcode}` : [address.zipcode, address.city].filter(Boolean).join(' ');
  let country = address.country;
  try {
    country = regionNames.of(address.country) ?? address.country;
  } catch {
    // An unknown region code prints as given.
  }
  return [address.street, cityLine, stateOnCityLine ? '' : address.state, country].filter((line) => line.trim().length > 0);
}
