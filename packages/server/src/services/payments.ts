/**
 * Payments (`/v1/payments`). A one-time purchase: the items are priced into one invoice and handed
 * to the settlement pipeline (services/settlement.ts): only a successful charge writes the paid
 * invoice, with the payment and the license keys, in one transaction. A fresh card token is charged but not saved: saving a card is a separate,
 * explicit step (`POST /v1/customers/{id}/payment-methods`).
 */
import type { CreatePaymentBody, Page, Payment } from '@dodo-portal/wire/schemas';
import { pricePurchase } from '../domain/catalog.ts';
import { checkPurchaseItems } from '../domain/checkout.ts';
import { invalidRequest, notFound } from '../domain/errors.ts';
import { IdPrefix, isId, newId } from '../domain/ids.ts';
import { toTimestamp } from '../domain/ports.ts';
import { findPayment, listPayments as listPaymentRows } from '../store/payments.ts';
import { findProducts } from '../store/products.ts';
import type { Scope } from '../store/scope.ts';
import { resolveCardSource, type BillingContext } from './charging.ts';
import { positionFromCursor, toPage } from './paging.ts';
import { requireCustomer } from './subscriptions.ts';
import { runCharge } from './settlement.ts';

export async function createPurchase(ctx: BillingContext, scope: Scope, body: CreatePaymentBody): Promise<Payment> {
  const customer = await requireCustomer(ctx, scope, body.customer_id);
  const products = await findProducts(
    ctx.store.db,
    scope,
    body.items.map((item) => item.product_id).filter((id) => isId(IdPrefix.product, id)),
  );
  const lines = checkPurchaseItems(body.items, products, scope.mode);
  const priced = pricePurchase(lines);
  if (priced.total <= 0) throw invalidRequest('The items add up to nothing to charge.', [{ path: 'items', message: 'the total must be above 0' }]);
  const source = await resolveCardSource(ctx, scope, customer.customer_id, body);
  const { paymentId } = await runCharge(ctx, {
    kind: 'purchase',
    scope,
    charge: { customerId: customer.customer_id, amount: priced.total, currency: priced.currency, description: priced.line_items.map((line) => line.description).join(', '), card: source },
    // Dated when the charge went through.
    settle: async () => {
      const at = toTimestamp(ctx.clock.now());
      return {
        what: `purchase by ${customer.customer_id}`,
        at,
        invoice: { id: newId(IdPrefix.invoice, ctx.random), customerId: customer.customer_id, billingAddress: customer.billing_address, priced, at, paid: true, subscriptionId: null },
        // Licensed products: their keys exist exactly when the paid invoice does.
        licenseKeys: { customerId: customer.customer_id, lines, subscriptionId: null },
        events: ['payment.succeeded', 'license_key.created'],
      };
    },
  });
  return getPayment(ctx, scope, paymentId!);
}

export async function getPayment(ctx: BillingContext, scope: Scope, paymentId: string, filter: { customerId?: string } = {}): Promise<Payment> {
  const payment = isId(IdPrefix.payment, paymentId) ? await findPayment(ctx.store.db, scope, paymentId, filter) : undefined;
  if (!payment) throw notFound(`No payment ${paymentId}.`);
  return payment;
}

export async function listPayments(ctx: BillingContext, scope: Scope, query: { limit: number; cursor?: string | undefined; customerId?: string | undefined }): Promise<Page<Payment>> {
  const after = positionFromCursor(query.cursor);
  return toPage(
    await listPaymentRows(ctx.store.db, scope, {
      limit: query.limit,
      ...(after ? { after } : {}),
      ...(query.customerId !== undefined ? { customerId: query.customerId } : {}),
    }),
  );
}
