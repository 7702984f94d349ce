/**
 * What a checkout may buy, as functions of values: the items of a one-time purchase, and a
 * subscription's plan with its add-ons. services/payments.ts and services/subscriptions.ts look the
 * products up, call these, and hand the priced charge to the settlement pipeline.
 */
import type { Mode, Product } from '@dodo-portal/wire/schemas';
import { invalidRequest, type Issue } from './errors.ts';

export interface Line {
  product: Product;
  quantity: number;
}

/** A one-time purchase's items: every product exists in the mode and is `one_time`. */
export function checkPurchaseItems(items: readonly { product_id: string; quantity: number }[], products: ReadonlyMap<string, Product>, mode: Mode): Line[] {
  const issues: Issue[] = [];
  items.forEach((item, index) => {
    const product = products.get(item.product_id);
    const path = `items.${index}.product_id`;
    if (!product) issues.push({ path, message: `no product ${item.product_id} in ${mode} mode` });
    else if (product.billing_type !== 'one_time') issues.push({ path, message: `is a ${product.billing_type} product: start it with POST /v1/subscriptions` });
  });
  if (issues.length > 0) throw invalidRequest(`Invalid items: ${issues[0]!.path} ${issues[0]!.message}.`, issues);
  return items.map((item) => ({ product: products.get(item.product_id)!, quantity: item.quantity }));
}

/**
 * The plan and its add-ons, checked: the plan is a recurring product that is not an add-on;
 * each add-on is an add-on billed on the plan's own interval and in its currency (one invoice
 * per period; each line taxed at its own product's rate), listed once.
 */
export function checkPlanAndAddons(
  request: { product_id: string; addons: readonly { product_id: string; quantity: number }[] },
  products: ReadonlyMap<string, Product>,
  mode: Mode,
): { plan: Product; addons: Line[] } {
  const issues: Issue[] = [];
  const plan = products.get(request.product_id);
  if (!plan) issues.push({ path: 'product_id', message: `no product ${request.product_id} in ${mode} mode` });
  else if (plan.billing_type === 'one_time') issues.push({ path: 'product_id', message: 'is a one_time product: sell it with POST /v1/payments' });
  else if (plan.is_addon) issues.push({ path: 'product_id', message: 'is an add-on: pass it in addons with a plan' });
  const seen = new Set<string>();
  const addons: Line[] = [];
  request.addons.forEach((addon, index) => {
    const path = `addons.${index}.product_id`;
    const product = products.get(addon.product_id);
    if (seen.has(addon.product_id)) return issues.push({ path, message: 'listed twice' });
    seen.add(addon.product_id);
    if (!product) return issues.push({ path, message: `no product ${addon.product_id} in ${mode} mode` });
    if (!product.is_addon) return issues.push({ path, message: 'is not an add-on product' });
    if (plan && (product.interval !== plan.interval || product.interval_count !== plan.interval_count)) {
      return issues.push({ path, message: `is billed every ${product.interval_count} ${product.interval}, the plan every ${plan.interval_count} ${plan.interval}` });
    }
    if (plan && product.currency !== plan.currency) {
      // One invoice per period, in one currency; the tax rate is each line's own.
      return issues.push({ path, message: `must share the plan's currency (${plan.currency})` });
    }
    addons.push({ product, quantity: addon.quantity });
    return undefined;
  });
  if (issues.length > 0 || !plan) throw invalidRequest(`Invalid subscription: ${issues[0]!.path} ${issues[0]!.message}.`, issues);
  return { plan, addons };
}
