/**
 * Catalogue set-ups several drills share, made through the merchant API of a drill server.
 */
import { must } from './http.ts';

/**
 * A two-tier ladder a customer may move along in the portal: plan changes turned on for the
 * business, monthly Basic (10.00) and Pro (30.00) in one collection.
 */
export async function planLadder(url: string, key: string): Promise<{ basic: { product_id: string }; pro: { product_id: string } }> {
  await must(url, 200, key, 'PATCH', '/v1/business', { allow_subscription_updates: true });
  const plan = (name: string, price: number) =>
    must<{ product_id: string }>(url, 201, key, 'POST', '/v1/products', { name, price, billing_type: 'subscription', currency: 'USD', interval: 'month' });
  const basic = await plan('Basic', 1_000);
  const pro = await plan('Pro', 3_000);
  await must(url, 201, key, 'POST', '/v1/product-collections', { name: 'Plans', product_ids: [basic.product_id, pro.product_id] });
  return { basic, pro };
}
