/**
 * Money math. Amounts are integers in the currency's minor unit; every computation runs on
 * BigInt and is checked back into the safe-integer range, so no float ever touches an amount.
 */
import { currencyMinorDigits, minorUnitsToDecimal } from '@dodo-portal/wire/values';
import { invalidRequest } from './errors.ts';

// Formatting for people is the wire's, shared with the elements (one rule for currency digits).
export { currencyMinorDigits, formatMoney } from '@dodo-portal/wire/values';

/** `numerator / denominator` rounded half away from zero (denominator > 0). */
export function divideRoundHalfAwayFromZero(numerator: bigint, denominator: bigint): bigint {
  if (denominator <= 0n) throw new RangeError('denominator must be positive');
  const quotient = numerator / denominator; // truncates toward zero
  const remainder = numerator % denominator; // same sign as numerator
  const magnitude = remainder < 0n ? -remainder : remainder;
  if (magnitude * 2n >= denominator) return numerator < 0n ? quotient - 1n : quotient + 1n;
  return quotient;
}

/** Tax on a subtotal at a rate in basis points, rounded once, half away from zero. */
export function computeTax(subtotal: number, taxRateBps: number): number {
  assertSafe(subtotal, 'subtotal');
  if (!Number.isInteger(taxRateBps) || taxRateBps < 0 || taxRateBps > 10_000) {
    throw new RangeError(`tax rate must be 0..10000 basis points, got ${taxRateBps}`);
  }
  return toSafeNumber(divideRoundHalfAwayFromZero(BigInt(subtotal) * BigInt(taxRateBps), 10_000n), 'tax');
}

export interface LineInput {
  description: string;
  quantity: number;
  unit_amount: number;
  /** The line's own tax rate (its product's); the invoice's rate when absent. */
  tax_rate_bps?: number;
}
export interface PricedLine extends LineInput {
  amount: number;
  tax_rate_bps: number;
}
export interface InvoiceTotals {
  line_items: PricedLine[];
  subtotal: number;
  tax: number;
  total: number;
}

/**
 * Prices the lines (amount = quantity × unit_amount) and sums them. Each line is taxed at its own
 * rate (`taxRateBps` for lines without one); the tax is rounded once per rate, on the sum of that
 * rate's lines, and the invoice's tax is the sum of those. With one rate that is one rounding on
 * the subtotal, as always.
 */
export function computeInvoiceTotals(lines: readonly LineInput[], taxRateBps: number): InvoiceTotals {
  let subtotal = 0n;
  const baseByRate = new Map<number, bigint>();
  const line_items = lines.map((line, index) => {
    assertSafe(line.quantity, `line_items.${index}.quantity`);
    assertSafe(line.unit_amount, `line_items.${index}.unit_amount`);
    const amount = BigInt(line.quantity) * BigInt(line.unit_amount);
    const rate = line.tax_rate_bps ?? taxRateBps;
    subtotal += amount;
    baseByRate.set(rate, (baseByRate.get(rate) ?? 0n) + amount);
    return { ...line, amount: toSafeNumber(amount, `line_items.${index}.amount`), tax_rate_bps: rate };
  });
  const subtotalNumber = toSafeNumber(subtotal, 'subtotal');
  let tax = 0;
  for (const [rate, base] of baseByRate) tax += computeTax(toSafeNumber(base, 'subtotal'), rate);
  return { line_items, subtotal: subtotalNumber, tax, total: toSafeNumber(subtotal + BigInt(tax), 'total') };
}

function assertSafe(value: number, path: string): void {
  if (!Number.isSafeInteger(value)) throw invalidRequest(`${path} must be an integer amount`, [{ path, message: 'must be a safe integer' }]);
}

function toSafeNumber(value: bigint, path: string): number {
  if (value > BigInt(Number.MAX_SAFE_INTEGER) || value < BigInt(Number.MIN_SAFE_INTEGER)) {
    throw invalidRequest(`${path} is too large`, [{ path, message: 'the amount exceeds the largest supported value' }]);
  }
  return Number(value);
}

/** An integer minor-unit amount as an exact decimal string in major units ("-12.05"). */
export function minorToDecimalString(amount: number, currency: string): string {
  assertSafe(amount, 'amount');
  return minorUnitsToDecimal(amount, currencyMinorDigits(currency));
}

/** A locale tag in canonical form, or undefined when ICU rejects it. */
export function canonicalLocale(tag: string): string | undefined {
  try {
    return Intl.getCanonicalLocales(tag)[0];
  } catch {
    return undefined;
  }
}
