/**
 * Properties of the plan ladder against the rule as the portal states it: the options are the
 * other tiers that can be a plan in the subscription's currency, in ladder order, marked up above
 * the current tier and down below it; there is a change to make when there is an option or an
 * add-on that fits the plan.
 */
import type { Product } from '@dodo-portal/wire/schemas';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { hasPlanChange, planLadder } from './plans.ts';

const product = (id: number) =>
  fc
    .record({
      billing_type: fc.constantFrom('one_time', 'subscription', 'usage_based'),
      is_addon: fc.boolean(),
      currency: fc.constantFrom('USD', 'EUR'),
      interval: fc.constantFrom('month', 'year'),
      interval_count: fc.constantFrom(1, 3),
    })
    .map((fields) => ({ ...fields, product_id: `prd_${id}` }) as unknown as Product);

const ladder = fc.integer({ min: 0, max: 8 }).chain((n) => fc.tuple(...Array.from({ length: n }, (_, i) => product(i))));
const currency = fc.constantFrom('USD', 'EUR');

describe('planLadder', () => {
  it('offers exactly the other tiers that can be a plan in the currency, in order, marked up or down from the plan', () => {
    fc.assert(
      fc.property(ladder, fc.integer({ min: -1, max: 8 }), currency, (tiers, at, cur) => {
        const plan = tiers[at] ?? ({ product_id: 'prd_elsewhere' } as Product);
        const index = tiers.indexOf(plan);
        const { tier, options } = planLadder(tiers, plan, cur);
        expect(tier).toBe(Math.max(index, 0));
        const eligible = tiers
          .map((candidate, i) => ({ candidate, i }))
          .filter(({ candidate }) => candidate !== plan && candidate.billing_type !== 'one_time' && !candidate.is_addon && candidate.currency === cur);
        expect(options.map((option) => option.product)).toEqual(eligible.map(({ candidate }) => candidate));
        for (const option of options) {
          expect(option.tier).toBe(tiers.indexOf(option.product));
          expect(option.direction).toBe(option.tier > tier ? 'upgrade' : 'downgrade');
        }
      }),
    );
  });

  it('has a change to make when there is another tier to move to or an add-on on the plan’s interval and currency', () => {
    fc.assert(
      fc.property(ladder, fc.integer({ min: 0, max: 7 }), fc.array(product(100), { maxLength: 4 }), currency, (tiers, at, addons, cur) => {
        const plan = tiers[at] ?? ({ product_id: 'prd_alone', interval: 'month', interval_count: 1, currency: cur } as Product);
        const fitting = addons.some((a) => a.is_addon && a.interval === plan.interval && a.interval_count === plan.interval_count && a.currency === plan.currency);
        expect(hasPlanChange(plan, tiers, addons, cur)).toBe(planLadder(tiers, plan, cur).options.length > 0 || fitting);
      }),
    );
  });
});
