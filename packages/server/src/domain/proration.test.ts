import { describe, expect, it } from 'vitest';
import { periodsAfterChange, prorate, quoteChange, type LineChange } from './proration.ts';

const period = { start: new Date('2025-01-31T00:00:00Z'), end: new Date('2025-02-28T00:00:00Z') }; // 28 days
const at = new Date('2025-02-14T00:00:00Z'); // 14 days left: f = 1/2
const basic = { productId: 'prd_basic', name: 'Basic', unitPrice: 1001, quantity: 1, taxRateBps: 2500 };
const pro = { productId: 'prd_pro', name: 'Pro', unitPrice: 3001, quantity: 1, taxRateBps: 2500 };
const plan = (from: LineChange['old'], to: LineChange['new']): LineChange[] => [{ key: 'plan', old: from, new: to }];

describe('prorate', () => {
  it('rounds each term half away from zero, clamps f to [0, 1]', () => {
    expect(prorate(1001, period, at)).toBe(501); // 500.5 → 501
    expect(prorate(-1001, period, at)).toBe(-501);
    expect(prorate(1000, period, new Date('2025-03-05T00:00:00Z'))).toBe(0);
    expect(prorate(1000, period, new Date('2025-01-01T00:00:00Z'))).toBe(1000);
  });
});

describe('quoteChange: the table', () => {
  const quote = (mode: Parameters<typeof quoteChange>[0]['mode'], sameInterval = true, creditBalance = 0) =>
    quoteChange({ mode, sameInterval, period, at, lines: plan(basic, pro), creditBalance });

  it('prorated_immediately, same interval: round(b·f) − round(a·f), taxed, with line descriptions', () => {
    expect(quote('prorated_immediately')).toEqual({
      line_items: [
        { description: 'Unused time on Basic', description_key: 'proration.unused', description_params: { item: 'Basic' }, amount: -501, product_id: 'prd_basic', tax_rate_bps: 2500 },
        { description: 'Remaining time on Pro', description_key: 'proration.remaining', description_params: { item: 'Pro' }, amount: 1501, product_id: 'prd_pro', tax_rate_bps: 2500 },
      ],
      subtotal: 1000,
      tax: 250,
      credit_applied: 0,
      total: 1250,
      credit_to_balance: 0,
    });
  });
  it('prorated_immediately, other interval: b − round(a·f)', () => {
    expect(quote('prorated_immediately', false).subtotal).toBe(3001 - 501);
    expect(quote('prorated_immediately', false).line_items[1]!.description).toBe('Pro (new period)');
  });
  it('full_immediately: b; difference_immediately: b − a; do_not_bill: 0', () => {
    expect(quote('full_immediately').subtotal).toBe(3001);
    expect(quote('full_immediately', false).subtotal).toBe(3001);
    expect(quote('difference_immediately').subtotal).toBe(2000);
    expect(quote('difference_immediately').line_items).toEqual([
      {
        description: 'Price difference: Basic → Pro',
        description_key: 'proration.difference',
        description_params: { from: 'Basic', to: 'Pro' },
        amount: 2000,
        product_id: 'prd_pro',
        tax_rate_bps: 2500,
      },
    ]);
    expect(quote('do_not_bill')).toEqual({ line_items: [], subtotal: 0, tax: 0, credit_applied: 0, total: 0, credit_to_balance: 0 });
  });
  it('a downgrade becomes credit, untaxed, never a negative charge', () => {
    const down = quoteChange({ mode: 'prorated_immediately', sameInterval: true, period, at, lines: plan(pro, basic), creditBalance: 0 });
    expect(down).toMatchObject({ subtotal: -1000, tax: 0, total: 0, credit_to_balance: 1000, credit_applied: 0 });
  });
  it('existing credit is spent after tax, up to the gross amount', () => {
    expect(quote('prorated_immediately', true, 300)).toMatchObject({ credit_applied: 300, total: 950 });
    expect(quote('prorated_immediately', true, 5000)).toMatchObject({ credit_applied: 1250, total: 0 });
  });
  it('rounds and taxes each add-on line on its own; unchanged add-ons add nothing', () => {
    const seat = { productId: 'prd_seat', name: 'Seat', unitPrice: 333, quantity: 1, taxRateBps: 600 };
    const lines: LineChange[] = [
      { key: 'plan', old: basic, new: basic },
      { key: 'prd_seat', old: seat, new: { ...seat, quantity: 4 } },
      { key: 'prd_same', old: { ...seat, productId: 'prd_same', name: 'Same' }, new: { ...seat, productId: 'prd_same', name: 'Same' } },
    ];
    const result = quoteChange({ mode: 'prorated_immediately', sameInterval: true, period, at, lines, creditBalance: 0 });
    expect(result.line_items).toEqual([
      { description: 'Unused time on Seat', description_key: 'proration.unused', description_params: { item: 'Seat' }, amount: -167, product_id: 'prd_seat', tax_rate_bps: 600 }, // 166.5 → 167
      { description: 'Remaining time on Seat × 4', description_key: 'proration.remaining', description_params: { item: 'Seat × 4' }, amount: 666, product_id: 'prd_seat', tax_rate_bps: 600 },
    ]);
    expect(result.tax).toBe(Math.round((499 * 600) / 10_000)); // 29.94 → 30 at the seat's own rate
  });
});

describe('periodsAfterChange: billing dates', () => {
  const current = { anchor: new Date('2025-01-31T00:00:00Z'), periodIndex: 0, period };
  it('keeps the date for a same-interval change, except full_immediately which restarts at t', () => {
    for (const mode of ['prorated_immediately', 'difference_immediately', 'do_not_bill'] as const) {
      expect(periodsAfterChange({ mode, sameInterval: true, current, at, interval: 'month', intervalCount: 1 })).toMatchObject({ period, nextBillingDate: period.end, periodIndex: 0 });
    }
    const full = periodsAfterChange({ mode: 'full_immediately', sameInterval: true, current, at, interval: 'month', intervalCount: 1 });
    expect(full).toMatchObject({ anchor: at, periodIndex: 0, period: { start: at, end: new Date('2025-03-14T00:00:00Z') } });
  });
  it('starts a new period at t for another interval, clamped to month ends; do_not_bill waits for the next billing date', () => {
    const jan31 = new Date('2024-01-31T10:00:00Z');
    const moved = periodsAfterChange({ mode: 'prorated_immediately', sameInterval: false, current, at: jan31, interval: 'month', intervalCount: 1 });
    expect(moved.period.end.toISOString()).toBe('2024-02-29T10:00:00.000Z');
    const later = periodsAfterChange({ mode: 'do_not_bill', sameInterval: false, current, at, interval: 'year', intervalCount: 1 });
    expect(later).toMatchObject({ anchor: period.end, periodIndex: -1, period, nextBillingDate: period.end });
  });
});
