/**
 * One-time purchases (`POST /v1/payments`): the items are priced into one invoice, the card is
 * charged, and only a successful charge writes the paid invoice (with the payment, in one
 * transaction). A fresh card token is charged but not saved: saving a card is a separate,
 * explicit step (`POST /v1/customers/{id}/payment-methods`).
 */
import type { CreatePaymentBody, Page, Payment } from '@dodo-portal/wire/schemas';
import { pricePurchase } from '../domain/catalog.ts';
import { invalidRequest, notFound, type Issue } from '../domain/errors.ts';
import { IdPrefix, isId, newId } from '../domain/ids.ts';
import { toTimestamp } from '../domain/ports.ts';
import { findPayment, listPayments as listPaymentRows, settlePayment } from '../store/payments.ts';
import { findProducts } from '../store/products.ts';
import type { Scope } from '../store/scope.ts';
import { attemptCharge, resolveCardSource, type BillingContext } from './charging.ts';
import { emitPaymentEvent } from './webhooks.ts';
import { positionFromCursor, toPage } from './paging.ts';
import { requireCustomer } from './subscriptions.ts';
import { insertPricedInvoice } from './invoices.ts';
import { emitLicenseKeysCreated, issueLicenseKeys } from './license-keys.ts';

export async function createPurchase(ctx: BillingContext, scope: Scope, body: CreatePaymentBody): Promise<Payment> {
  const customer = await requireCustomer(ctx, scope, body.customer_id);
  const products = await findProducts(
    ctx.store.db,
    scope,
    body.items.map((item) => item.product_id).filter((id) => isId(IdPrefix.product, id)),
  );
  const issues: Issue[] = [];
  body.items.forEach((item, index) => {
    const product = products.get(item.product_id);
    const path = `items.${index}.product_id`;
    if (!product) issues.push({ path, message: `no product ${item.product_id} in ${scope.mode} mode` });
    else if (product.billing_type !== 'one_time') issues.push({ path, message: `is a ${product.billing_type} product: start it with POST /v1/subscriptions` });
  });
  if (issues.length > 0) throw invalidRequest(`Invalid items: ${issues[0]!.path} ${issues[0]!.message}.`, issues);
  const priced = pricePurchase(body.items.map((item) => ({ product: products.get(item.product_id)!, quantity: item.quantity })));
  if (priced.total <= 0) throw invalidRequest('The items add up to nothing to charge.', [{ path: 'items', message: 'the total must be above 0' }]);
  const source = await resolveCardSource(ctx, scope, customer.customer_id, body);
  const attempt = await attemptCharge(ctx, scope, {
    customerId: customer.customer_id,
    amount: priced.total,
    currency: priced.currency,
    source,
    description: priced.line_items.map((line) => line.description).join(', '),
  });
  const issuedAt = toTimestamp(ctx.clock.now());
  const invoiceId = newId(IdPrefix.invoice, ctx.random);
  await ctx.store.db.transaction().execute(async (trx) => {
    await insertPricedInvoice(trx, scope, {
      id: invoiceId,
      customerId: customer.customer_id,
      billingAddress: customer.billing_address,
      priced,
      at: issuedAt,
      paid: true,
      subscriptionId: null,
    });
    const settled = await settlePayment(trx, attempt.paymentId, { status: 'succeeded', invoice_id: invoiceId, updated_at: issuedAt });
    if (!settled) throw new Error(`payment ${attempt.paymentId} was settled by someone else`);
    // Licensed products: their keys exist exactly when the paid invoice does.
    const licenseKeyIds = await issueLicenseKeys(ctx, trx, scope, {
      customerId: customer.customer_id,
      lines: body.items.map((item) => ({ product: products.get(item.product_id)!, quantity: item.quantity })),
      subscriptionId: null,
      invoiceId,
      paymentId: attempt.paymentId,
      at: new Date(issuedAt),
    });
    // Their events are queued with them (transactional outbox).
    await emitPaymentEvent(trx, ctx, scope, 'payment.succeeded', attempt.paymentId);
    await emitLicenseKeysCreated(trx, ctx, scope, licenseKeyIds);
  });
  return getPayment(ctx, scope, attempt.paymentId);
}

export async function getPayment(ctx: BillingContext, scope: Scope, paymentId: string, filter: { customerId?: string } = {}): Promise<Payment> {
  const payment = isId(IdPrefix.payment, paymentId) ? await findPayment(ctx.store.db, scope, paymentId, filter) : undefined;
  if (!payment) throw notFound(`No payment ${paymentId}.`);
  return payment;
}

export async function listPayments(
  ctx: BillingContext,
  scope: Scope,
  query: { limit: number; cursor?: string | undefined; customerId?: string | undefined },
): Promise<Page<Payment>> {
  const after = positionFromCursor(query.cursor);
  return toPage(
    await listPaymentRows(ctx.store.db, scope, {
      limit: query.limit,
      ...(after ? { after } : {}),
      ...(query.customerId !== undefined ? { customerId: query.customerId } : {}),
    }),
  );
}
