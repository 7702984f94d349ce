/**
 * Property tests for the plan-change rules (domain/plan-change.ts). The oracles are the rules as
 * the portal documents them, not the implementation: a request that names today's plan, quantity
 * and add-ons (in any order) changes nothing; an add-on listed twice is refused; a change accepted
 * carries one plan line plus one line per add-on held before or after, each side with its own
 * quantity; a preview instant is accepted exactly when it lies in [period start, now] and is at
 * most an hour old.
 */
import fc from 'fast-check';
import type { Product } from '@dodo-portal/wire/schemas';
import { describe, expect, it } from 'vitest';
import { DomainError } from './errors.ts';
import { checkPlanChange, QUOTE_WINDOW_MS, quotedInstant, type AddonRef, type CurrentPlan } from './plan-change.ts';

const product = (id: string, over: Partial<Product> = {}): Product => ({
  product_id: id,
  name: id,
  description: null,
  billing_type: 'subscription',
  price: 1000,
  currency: 'USD',
  interval: 'month',
  interval_count: 1,
  tax_rate_bps: 0,
  usage: null,
  is_addon: false,
  license_key: null,
  collection_id: 'col_1',
  created_at: '2025-01-01T00:00:00.000Z',
  ...over,
});

const TIERS = ['pdt_basic', 'pdt_pro', 'pdt_team'].map((id, index) => product(id, { price: 1000 * (index + 1) }));
const ADDONS = ['pdt_a', 'pdt_b', 'pdt_c', 'pdt_d'].map((id) => product(id, { is_addon: true, collection_id: null, price: 300 }));
const products = new Map([...TIERS, ...ADDONS].map((p) => [p.product_id, p]));

const addonSet = fc.uniqueArray(fc.record({ product_id: fc.constantFrom(...ADDONS.map((a) => a.product_id)), quantity: fc.integer({ min: 1, max: 50 }) }), {
  selector: (addon) => addon.product_id,
  maxLength: ADDONS.length,
});
const current = fc.record({ plan: fc.constantFrom(...TIERS), quantity: fc.integer({ min: 1, max: 100 }), addons: addonSet }).map((c): CurrentPlan => ({ ...c, currency: 'USD' }));

const codeOf = (run: () => unknown): string | undefined => {
  try {
    run();
    return undefined;
  } catch (error) {
    if (error instanceof DomainError) return error.code;
    throw error;
  }
};

describe('plan-change rules', () => {
  it('a request for exactly today’s plan, quantity and add-ons (any order, or add-ons left out) is no_change', () => {
    fc.assert(
      fc.property(current, fc.boolean(), fc.boolean(), (now, omitAddons, omitQuantity) => {
        const addons = omitAddons ? undefined : [...now.addons].reverse();
        const request = { product_id: now.plan.product_id, quantity: omitQuantity ? undefined : now.quantity, addons };
        expect(codeOf(() => checkPlanChange(now, request, products))).toBe('no_change');
      }),
    );
  });

  it('an add-on listed twice is refused on the second mention', () => {
    fc.assert(
      fc.property(
        current,
        addonSet.filter((list) => list.length > 0),
        fc.nat(),
        (now, list, pick) => {
          const twice = list[pick % list.length]!;
          const addons = [...list, { ...twice }];
          try {
            checkPlanChange(now, { product_id: now.plan.product_id, addons }, products);
            expect.unreachable('a duplicate add-on was accepted');
          } catch (error) {
            expect(error).toBeInstanceOf(DomainError);
            expect((error as DomainError).extra.issues).toContainEqual({ path: `addons.${list.length}.product_id`, message: 'listed twice' });
          }
        },
      ),
    );
  });

  it('an accepted change prorates one plan line and one line per add-on held before or after, each with its own quantity', () => {
    fc.assert(
      fc.property(current, fc.constantFrom(...TIERS), fc.integer({ min: 1, max: 100 }), addonSet, (now, plan, quantity, addons: AddonRef[]) => {
        const request = { product_id: plan.product_id, quantity, addons };
        fc.pre(codeOf(() => checkPlanChange(now, request, products)) === undefined);
        const checked = checkPlanChange(now, request, products);
        expect(checked.newPlan).toBe(plan);
        expect(checked.quantity).toBe(quantity);
        expect(checked.addons.map((a) => ({ product_id: a.product.product_id, quantity: a.quantity }))).toEqual(addons);
        expect(checked.lines[0]).toMatchObject({ key: 'plan', old: { productId: now.plan.product_id, quantity: now.quantity }, new: { productId: plan.product_id, quantity } });
        const keys = new Set([...now.addons, ...addons].map((a) => a.product_id));
        expect(
          checked.lines
            .slice(1)
            .map((line) => line.key)
            .sort(),
        ).toEqual([...keys].sort());
        for (const line of checked.lines.slice(1)) {
          expect(line.old?.quantity ?? null).toBe(now.addons.find((a) => a.product_id === line.key)?.quantity ?? null);
          expect(line.new?.quantity ?? null).toBe(addons.find((a) => a.product_id === line.key)?.quantity ?? null);
        }
      }),
    );
  });

  it('refuses a plan outside the ladder, an add-on as a plan, and an add-on billed unlike the plan', () => {
    const now: CurrentPlan = { plan: TIERS[0]!, quantity: 1, currency: 'USD', addons: [] };
    const others = new Map(products);
    others.set('pdt_other', product('pdt_other', { collection_id: 'col_2' }));
    others.set('pdt_yearly_addon', product('pdt_yearly_addon', { is_addon: true, interval: 'year', collection_id: null }));
    expect(codeOf(() => checkPlanChange(now, { product_id: 'pdt_other' }, others))).toBe('product_not_in_collection');
    expect(codeOf(() => checkPlanChange(now, { product_id: 'pdt_missing' }, others))).toBe('product_not_in_collection');
    expect(codeOf(() => checkPlanChange(now, { product_id: 'pdt_a' }, others))).toBe('product_not_recurring');
    expect(codeOf(() => checkPlanChange(now, { product_id: 'pdt_pro', addons: [{ product_id: 'pdt_yearly_addon', quantity: 1 }] }, others))).toBe('invalid_request');
  });

  it('accepts a preview instant exactly when it lies in the current period, not after now, at most an hour old', () => {
    const base = Date.parse('2025-06-01T00:00:00.000Z');
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10 * QUOTE_WINDOW_MS }), fc.integer({ min: -3 * QUOTE_WINDOW_MS, max: 3 * QUOTE_WINDOW_MS }), (sinceStart, offset) => {
        const periodStart = new Date(base);
        const now = new Date(base + sinceStart);
        const at = new Date(now.getTime() - offset);
        const ok = at.getTime() <= now.getTime() && now.getTime() - at.getTime() <= QUOTE_WINDOW_MS && at.getTime() >= periodStart.getTime();
        const code = codeOf(() => quotedInstant(at.toISOString(), now, periodStart));
        expect(code).toBe(ok ? undefined : 'invalid_request');
        if (ok) expect(quotedInstant(at.toISOString(), now, periodStart).getTime()).toBe(at.getTime());
      }),
    );
  });
});
