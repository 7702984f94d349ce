/**
 * Card-entry rules checked in the browser before anything is sent: brand from the number's
 * prefix, grouping as typed, Luhn, expiry and CVC length. The processor checks again; these only
 * spare the customer a round trip and say what is wrong next to the field.
 */
import { msg } from '@lit/localize';
import { cardBrandOf, luhnValid, type CardBrand } from '@dodo-portal/wire/values';

// Brand detection and Luhn are the wire's (the sandbox processor checks with the same rules).
export { luhnValid };
export const brandOf = cardBrandOf;

/** The brand as shown beside a card's last four digits (here and in the transaction list). */
export const brandName = (brand: CardBrand): string => (brand === 'visa' ? 'Visa' : brand === 'mastercard' ? 'Mastercard' : brand === 'amex' ? 'American Express' : msg('Card'));

export const digitsOf = (value: string): string => value.replace(/\D/g, '');

const maxDigits = (brand: CardBrand): number => (brand === 'amex' ? 15 : brand === 'unknown' ? 19 : 16);

/** `4242424242424242` → `4242 4242 4242 4242`; American Express `3782 822463 10005` (4-6-5). */
export function groupNumber(value: string): string {
  let digits = digitsOf(value);
  const brand = brandOf(digits);
  digits = digits.slice(0, maxDigits(brand));
  return brand === 'amex' ? `${digits.slice(0, 4)} ${digits.slice(4, 10)} ${digits.slice(10)}`.trim() : digits.replace(/(\d{4})(?=\d)/g, '$1 ');
}

export const cvcLength = (brand: CardBrand): number => (brand === 'amex' ? 4 : 3);

/** A complete, checksum-valid number of a length its brand issues. */
export function numberValid(digits: string): boolean {
  const brand = brandOf(digits);
  // American Express 15 digits, Mastercard 16, Visa 16 or 13; an unknown brand's length is not known.
  const lengthOk = brand === 'unknown' || digits.length === maxDigits(brand) || (brand === 'visa' && digits.length === 13);
  return lengthOk && luhnValid(digits);
}

/** What the expiry field shows: `1`, `12`, `12 / 3`, `12 / 34`. No slash is forced in, so backspace works. */
export function formatExpiry(value: string): string {
  const digits = digitsOf(value).slice(0, 4);
  return digits.length > 2 ? `${digits.slice(0, 2)} / ${digits.slice(2)}` : digits;
}

/** `12 / 34` → December 2034; `null` unless it is a month 01–12 and a two-digit year. */
export function parseExpiry(value: string): { month: number; year: number } | null {
  const digits = digitsOf(value);
  const month = Number(digits.slice(0, 2));
  return digits.length === 4 && month >= 1 && month <= 12 ? { month, year: 2000 + Number(digits.slice(2)) } : null;
}

/** A card is good through the last day of its expiry month. */
export const expiryPast = ({ month, year }: { month: number; year: number }, now: Date): boolean => year * 12 + month < now.getFullYear() * 12 + now.getMonth() + 1;
