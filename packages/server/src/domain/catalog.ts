/**
 * Product rules and how a purchase turns into invoice lines. Pure: no HTTP, no SQL. Amounts stay
 * integers in minor units; totals go through computeInvoiceTotals (each line at its product's tax
 * rate, rounded once per rate, half away from zero).
 */
import type { CreateProductBody, Product } from '@dodo-portal/wire/schemas';
import { invalidRequest, type Issue } from './errors.ts';
import { computeInvoiceTotals, type InvoiceTotals } from './money.ts';
import type { Period } from './periods.ts';

/** The product fields that follow from the billing type, after checking the combination. */
export interface ProductTerms {
  interval: Product['interval'];
  interval_count: number | null;
  usage: Product['usage'];
}

/**
 * Checks the combination of fields, all at once (every problem is reported):
 * - `subscription` and `usage_based` need `interval` (`interval_count` defaults to 1);
 * - `one_time` takes no `interval`, `interval_count` nor `usage`;
 * - `usage_based` needs `usage`; the other types refuse it;
 * - `is_addon` is for `subscription` products only (an add-on rides on a plan's periods).
 */
export function productTerms(body: CreateProductBody): ProductTerms {
  const issues: Issue[] = [];
  const recurring = body.billing_type !== 'one_time';
  if (recurring && body.interval === undefined) issues.push({ path: 'interval', message: `required for ${body.billing_type} products` });
  if (!recurring) {
    if (body.interval !== undefined) issues.push({ path: 'interval', message: 'not allowed on one_time products' });
    if (body.interval_count !== undefined) issues.push({ path: 'interval_count', message: 'not allowed on one_time products' });
  }
  if (body.billing_type === 'usage_based' && body.usage === undefined) issues.push({ path: 'usage', message: 'required for usage_based products' });
  if (body.billing_type !== 'usage_based' && body.usage !== undefined) issues.push({ path: 'usage', message: 'only usage_based products have usage pricing' });
  if (body.is_addon && body.billing_type !== 'subscription') issues.push({ path: 'is_addon', message: 'only subscription products can be add-ons' });
  if (issues.length > 0) throw invalidRequest(`Invalid product: ${issues.map((issue) => `${issue.path} ${issue.message}`).join('; ')}.`, issues);
  return {
    interval: recurring ? body.interval! : null,
    interval_count: recurring ? (body.interval_count ?? 1) : null,
    usage: body.usage ?? null,
  };
}

export interface PricedItem {
  product: Product;
  quantity: number;
  /** The service period of a recurring line. */
  period?: Period;
  /** A line not priced from the product itself (metered usage): its own words and unit price. */
  description?: string;
  unitAmount?: number;
}

export interface PricedPurchase extends InvoiceTotals {
  currency: string;
  /** The first line's rate (the plan's): what the invoice row keeps; each line carries its own. */
  tax_rate_bps: number;
  line_items: (InvoiceTotals['line_items'][number] & { period?: { start: string; end: string } })[];
}

/**
 * An add-on may ride on a plan billed on the same interval and in its currency (one invoice per
 * period, in one currency). Its tax rate is its own: each invoice line is taxed at its product's rate.
 */
export const addonFitsPlan = (addon: Product, plan: Pick<Product, 'interval' | 'interval_count' | 'currency'>): boolean =>
  addon.is_addon && addon.interval === plan.interval && (addon.interval_count ?? 1) === (plan.interval_count ?? 1) && addon.currency === plan.currency;

/**
 * Invoice lines for products bought together. One invoice has one currency, so every item must
 * share it (a clear 400 otherwise); each line is taxed at its own product's rate.
 */
export function pricePurchase(items: readonly PricedItem[], path = 'items'): PricedPurchase {
  const first = items[0];
  if (!first) throw invalidRequest(`${path} must not be empty`, [{ path, message: 'must not be empty' }]);
  const issues: Issue[] = [];
  items.forEach((item, index) => {
    if (item.product.currency !== first.product.currency) {
      issues.push({ path: `${path}.${index}.product_id`, message: `is priced in ${item.product.currency}, not ${first.product.currency} like the others` });
    }
  });
  if (issues.length > 0) throw invalidRequest('Products bought together must share one currency.', issues);
  const lines = items.map((item) => ({
    description: item.description ?? lineDescription(item.product),
    quantity: item.quantity,
    unit_amount: item.unitAmount ?? item.product.price,
    tax_rate_bps: item.product.tax_rate_bps,
  }));
  const totals = computeInvoiceTotals(lines, first.product.tax_rate_bps);
  return {
    ...totals,
    currency: first.product.currency,
    tax_rate_bps: first.product.tax_rate_bps,
    line_items: totals.line_items.map((line, index) => {
      const period = items[index]!.period;
      return period ? { ...line, period: { start: period.start.toISOString(), end: period.end.toISOString() } } : line;
    }),
  };
}

function lineDescription(product: Product): string {
  if (product.interval === null) return product.name;
  const every = product.interval_count === 1 ? product.interval : `${product.interval_count} ${product.interval}s`;
  return `${product.name} (every ${every})`;
}
