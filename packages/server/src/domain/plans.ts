/**
 * Which products a subscription may move to, and how the portal marks them. Pure: the services
 * read the plan, its collection and the add-ons, and these functions decide.
 */
import type { Product } from '@dodo-portal/wire/schemas';
import { addonFitsPlan } from './catalog.ts';

/** A product that could replace a plan: recurring, not an add-on, in the subscription's currency. */
export const isPlanOption = (product: Pick<Product, 'billing_type' | 'is_addon' | 'currency'>, currency: string): boolean =>
  product.billing_type !== 'one_time' && !product.is_addon && product.currency === currency;

export interface PlanLadder<P> {
  /** The plan's place on the ladder, 0 the lowest (0 when it is on none). */
  tier: number;
  /** The other tiers it may move to, in ladder order, each marked up or down from the plan. */
  options: { product: P; tier: number; direction: 'upgrade' | 'downgrade' }[];
}

/**
 * The collection's tiers (`ladder`, lowest first) as seen from `plan`: a tier is an option when it
 * is another product that can be a plan in `currency`; above the plan it is an upgrade, below a
 * downgrade.
 */
export function planLadder<P extends Pick<Product, 'product_id' | 'billing_type' | 'is_addon' | 'currency'>>(
  ladder: readonly P[],
  plan: Pick<Product, 'product_id'>,
  currency: string,
): PlanLadder<P> {
  const tier = Math.max(
    0,
    ladder.findIndex((product) => product.product_id === plan.product_id),
  );
  const options = ladder.flatMap((product, index) =>
    product.product_id !== plan.product_id && isPlanOption(product, currency) ? [{ product, tier: index, direction: index > tier ? ('upgrade' as const) : ('downgrade' as const) }] : [],
  );
  return { tier, options };
}

/** Whether the customer has anything to change: another tier to move to, or an add-on that fits. */
export const hasPlanChange = (plan: Product, ladder: readonly Product[], addons: readonly Product[], currency: string): boolean =>
  planLadder(ladder, plan, currency).options.length > 0 || addons.some((addon) => addonFitsPlan(addon, plan));
