/**
 * Formatting at the edge. Money is the wire's (packages/wire/src/values.ts, shared with the
 * server's emails and PDFs): integer minor units turned into an exact decimal string for
 * `Intl.NumberFormat`, with the currency's own minor digits.
 */
export { formatMoney, minorUnitsToDecimal } from '@dodo-portal/wire/values';

const dateFormats = new Map<string, Intl.DateTimeFormat>();

/**
 * An invoice date. Shown in UTC, the zone the server issues and prints invoices in, so the list
 * and the PDF never disagree about the day.
 */
export function formatDate(timestamp: string, locale: string): string {
  let format = dateFormats.get(locale);
  if (!format) {
    format = new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeZone: 'UTC' });
    dateFormats.set(locale, format);
  }
  return format.format(new Date(timestamp));
}
