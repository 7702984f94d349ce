/**
 * The rules of a plan change, as functions of values: which plan a subscription may move to,
 * which add-ons it may carry, when a request changes nothing, which instant a preview may be
 * charged at, and the lines proration compares. services/plan-changes.ts reads the state, calls
 * these, then prices (domain/proration.ts) and hands the charge to the settlement pipeline.
 */
import { PortalErrorCode, type Product } from '@dodo-portal/wire/schemas';
import { addonFitsPlan } from './catalog.ts';
import { DomainError, invalidRequest, type Issue } from './errors.ts';
import type { LineChange } from './proration.ts';

export interface AddonRef {
  product_id: string;
  quantity: number;
}

/** The subscription as a change sees it. */
export interface CurrentPlan {
  plan: Product;
  quantity: number;
  currency: string;
  addons: readonly AddonRef[];
}

/** What the customer asked for; `addons` absent keeps today's. */
export interface RequestedPlan {
  product_id: string;
  quantity?: number | undefined;
  addons?: readonly AddonRef[] | undefined;
}

/** A change that passed every rule: the new plan, quantity and add-ons, and the lines to prorate. */
export interface CheckedChange {
  newPlan: Product;
  quantity: number;
  addons: { product: Product; quantity: number }[];
  lines: LineChange[];
}

export const notInCollection = (productId: string) =>
  new DomainError(PortalErrorCode.productNotInCollection, `Product ${productId} is not a tier of this subscription's product collection.`, {
    issues: [{ path: 'product_id', message: 'not a tier of the subscription’s collection' }],
  });
const notRecurring = (productId: string, why: string) =>
  new DomainError(PortalErrorCode.productNotRecurring, `Product ${productId} cannot be a plan: ${why}.`, { issues: [{ path: 'product_id', message: why }] });

/** The same add-ons with the same quantities, whatever the order. */
export function sameAddons(a: readonly AddonRef[], b: readonly AddonRef[]): boolean {
  const key = (list: readonly AddonRef[]) =>
    [...list]
      .sort((x, y) => x.product_id.localeCompare(y.product_id))
      .map((addon) => `${addon.product_id}:${addon.quantity}`)
      .join(',');
  return key(a) === key(b);
}

/**
 * Checks a requested change against the current plan, in the order the portal documents: the new
 * plan (a recurring, non-add-on tier of the same collection, in the subscription's currency), then
 * each add-on (listed once, an add-on, billed like the new plan), then that something changes.
 * `products` holds every product the request and the subscription name (missing = unknown).
 */
export function checkPlanChange(current: CurrentPlan, request: RequestedPlan, products: ReadonlyMap<string, Product>): CheckedChange {
  const { plan: oldPlan } = current;
  const newPlan = products.get(request.product_id);
  if (!newPlan) throw notInCollection(request.product_id);
  if (newPlan.product_id !== oldPlan.product_id) {
    if (newPlan.billing_type === 'one_time') throw notRecurring(newPlan.product_id, 'it is a one_time product, not a subscription or usage_based one');
    if (newPlan.is_addon) throw notRecurring(newPlan.product_id, 'it is an add-on: pass it in addons');
    if (!oldPlan.collection_id || newPlan.collection_id !== oldPlan.collection_id) throw notInCollection(newPlan.product_id);
    if (newPlan.currency !== current.currency) {
      throw invalidRequest(`Product ${newPlan.product_id} is priced in ${newPlan.currency}; this subscription is billed in ${current.currency}.`, [
        { path: 'product_id', message: `is priced in ${newPlan.currency}, the subscription in ${current.currency}` },
      ]);
    }
  }

  const wantedAddons = request.addons ?? current.addons;
  const issues: Issue[] = [];
  const seen = new Set<string>();
  const addons: { product: Product; quantity: number }[] = [];
  wantedAddons.forEach((addon, index) => {
    const path = request.addons ? `addons.${index}.product_id` : 'addons';
    const product = products.get(addon.product_id);
    if (seen.has(addon.product_id)) return issues.push({ path, message: 'listed twice' });
    seen.add(addon.product_id);
    if (!product || !product.is_addon) return issues.push({ path, message: `${addon.product_id} is not an add-on product` });
    if (!addonFitsPlan(product, newPlan)) {
      return issues.push({ path, message: `${product.name} must be billed like ${newPlan.name}: every ${newPlan.interval_count ?? 1} ${newPlan.interval}, in ${newPlan.currency}` });
    }
    addons.push({ product, quantity: addon.quantity });
    return undefined;
  });
  if (issues.length > 0) throw invalidRequest(`Invalid add-ons: ${issues[0]!.path} ${issues[0]!.message}.`, issues);

  const quantity = request.quantity ?? current.quantity;
  const wanted = addons.map((addon) => ({ product_id: addon.product.product_id, quantity: addon.quantity }));
  if (newPlan.product_id === oldPlan.product_id && quantity === current.quantity && sameAddons(wanted, current.addons)) {
    throw new DomainError(PortalErrorCode.noChange, 'The subscription already has exactly this plan, quantity and add-ons.');
  }

  const side = (product: Product, qty: number) => ({ productId: product.product_id, name: product.name, unitPrice: product.price, quantity: qty, taxRateBps: product.tax_rate_bps });
  const lines: LineChange[] = [{ key: 'plan', old: side(oldPlan, current.quantity), new: side(newPlan, quantity) }];
  for (const id of new Set([...current.addons.map((addon) => addon.product_id), ...wanted.map((addon) => addon.product_id)])) {
    const before = current.addons.find((addon) => addon.product_id === id);
    const after = addons.find((addon) => addon.product.product_id === id);
    const beforeProduct = products.get(id);
    lines.push({ key: id, old: before && beforeProduct ? side(beforeProduct, before.quantity) : null, new: after ? side(after.product, after.quantity) : null });
  }
  return { newPlan, quantity, addons, lines };
}

/** How far back a preview's `prorated_at` may price a change. */
export const QUOTE_WINDOW_MS = 60 * 60_000;

/** A preview's instant sent back with the change: recent (QUOTE_WINDOW_MS), not in the future, inside the current period. */
export function quotedInstant(value: string, now: Date, periodStart: Date): Date {
  const at = new Date(value);
  const refuse = (message: string) => invalidRequest(`prorated_at ${message}.`, [{ path: 'prorated_at', message }]);
  if (at.getTime() > now.getTime()) throw refuse('is in the future');
  if (now.getTime() - at.getTime() > QUOTE_WINDOW_MS) throw refuse('is more than an hour old: preview the change again');
  if (at.getTime() < periodStart.getTime()) throw refuse('is before the current period: preview the change again');
  return at;
}
