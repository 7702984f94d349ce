/**
 * Formatting at the edge. Money arrives as integer minor units; it is turned into an exact
 * decimal *string* for `Intl.NumberFormat` (which formats strings without going through a float).
 */

const numberFormats = new Map<string, Intl.NumberFormat>();
const dateFormats = new Map<string, Intl.DateTimeFormat>();

function currencyFormat(locale: string, currency: string): Intl.NumberFormat {
  const key = `${locale}|${currency}`;
  let format = numberFormats.get(key);
  if (!format) {
    format = new Intl.NumberFormat(locale, { style: 'currency', currency });
    numberFormats.set(key, format);
  }
  return format;
}

/** `123456` with 2 digits → `"1234.56"`; `-5` → `"-0.05"`; `500` with 0 digits → `"500"`. */
export function minorUnitsToDecimal(minor: number, fractionDigits: number): `${number}` {
  if (!Number.isSafeInteger(minor)) throw new RangeError(`Amount must be an integer in minor units: ${minor}`);
  const sign = minor < 0 ? '-' : '';
  const digits = String(Math.abs(minor));
  if (fractionDigits <= 0) return `${sign}${digits}` as `${number}`;
  const padded = digits.padStart(fractionDigits + 1, '0');
  return `${sign}${padded.slice(0, -fractionDigits)}.${padded.slice(-fractionDigits)}` as `${number}`;
}

/** Format an integer amount of minor units (cents, öre, yen) in `currency` for `locale`. */
export function formatMoney(minor: number, currency: string, locale: string): string {
  const format = currencyFormat(locale, currency);
  const fractionDigits = format.resolvedOptions().maximumFractionDigits ?? 2;
  return format.format(minorUnitsToDecimal(minor, fractionDigits));
}

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
