import { describe, expect, it } from 'vitest';
import { DomainError } from './errors.ts';
import { computeInvoiceTotals, computeTax, currencyMinorDigits, divideRoundHalfAwayFromZero, formatMoney, minorToDecimalString } from './money.ts';

describe('divideRoundHalfAwayFromZero', () => {
  it.each([
    [5n, 2n, 3n],
    [-5n, 2n, -3n],
    [4n, 2n, 2n],
    [7n, 3n, 2n],
    [-7n, 3n, -2n],
    [1n, 2n, 1n],
    [-1n, 2n, -1n],
    [1n, 3n, 0n],
    [0n, 7n, 0n],
    [149n, 100n, 1n],
    [150n, 100n, 2n],
    [-150n, 100n, -2n],
  ])('%s / %s = %s', (n, d, expected) => {
    expect(divideRoundHalfAwayFromZero(n, d)).toBe(expected);
  });
});

describe('computeTax', () => {
  it('rounds once on the subtotal, half away from zero', () => {
    expect(computeTax(1000, 2500)).toBe(250);
    expect(computeTax(2, 2500)).toBe(1); // 0.5 → 1
    expect(computeTax(1, 2500)).toBe(0); // 0.25 → 0
    expect(computeTax(4900, 825)).toBe(404); // 404.25
    expect(computeTax(4906, 825)).toBe(405); // 404.745
    expect(computeTax(-2, 2500)).toBe(-1); // credit: -0.5 → -1
    expect(computeTax(0, 10_000)).toBe(0);
  });

  it('stays exact where floats would not', () => {
    // 9007199254740991 * 1 / 10000 = 900719925474.0991 → 900719925474
    expect(computeTax(Number.MAX_SAFE_INTEGER, 1)).toBe(900_719_925_474);
  });

  it('rejects rates outside 0..10000 bps', () => {
    expect(() => computeTax(100, 10_001)).toThrow(RangeError);
    expect(() => computeTax(100, 1.5)).toThrow(RangeError);
  });
});

describe('computeInvoiceTotals', () => {
  it('prices lines, sums them and taxes the subtotal', () => {
    const totals = computeInvoiceTotals(
      [
        { description: 'Seats', quantity: 3, unit_amount: 1999 },
        { description: 'Setup', quantity: 1, unit_amount: 5000 },
      ],
      2500,
    );
    expect(totals.line_items.map((line) => line.amount)).toEqual([5997, 5000]);
    expect(totals).toMatchObject({ subtotal: 10_997, tax: 2749, total: 13_746 }); // 2749.25
  });

  it('refuses totals beyond the safe integer range instead of losing cents', () => {
    const huge = [{ description: 'x', quantity: 1_000_000, unit_amount: Number.MAX_SAFE_INTEGER }];
    expect(() => computeInvoiceTotals(huge, 0)).toThrow(DomainError);
  });
});

describe('formatting', () => {
  it('knows each currency’s minor digits', () => {
    expect(currencyMinorDigits('USD')).toBe(2);
    expect(currencyMinorDigits('JPY')).toBe(0);
    expect(currencyMinorDigits('KWD')).toBe(3);
  });

  it('turns minor units into exact decimal strings', () => {
    expect(minorToDecimalString(5, 'USD')).toBe('0.05');
    expect(minorToDecimalString(-1205, 'USD')).toBe('-12.05');
    expect(minorToDecimalString(1980, 'JPY')).toBe('1980');
    expect(minorToDecimalString(1, 'KWD')).toBe('0.001');
    expect(minorToDecimalString(Number.MAX_SAFE_INTEGER, 'USD')).toBe('90071992547409.91');
  });

  it('formats in the customer locale with the currency digits', () => {
    expect(formatMoney(123456, 'USD', 'en-US')).toBe('$1,234.56');
    expect(formatMoney(1980, 'JPY', 'ja-JP')).toBe('￥1,980');
    expect(formatMoney(1980, 'JPY', 'en-US')).toBe('¥1,980');
    expect(formatMoney(123456, 'EUR', 'de-DE')).toBe('1.234,56\u00a0€');
    expect(formatMoney(Number.MAX_SAFE_INTEGER, 'USD', 'en-US')).toBe('$90,071,992,547,409.91');
  });
});
