import type { CardBrand, Payment } from '@dodo-portal/wire/schemas';
import type { Kysely, Selectable, Updateable } from 'kysely';
import type { Database, PaymentsTable } from './schema.ts';
import { refundsOfPayments } from './refunds.ts';
import type { KeysetPage, KeysetPosition, Scope } from './scope.ts';

const toPayment = (row: Selectable<PaymentsTable>, refunds: Payment['refunds'] = []): Payment => ({
  payment_id: row.id,
  customer_id: row.customer_id,
  invoice_id: row.invoice_id,
  subscription_id: row.subscription_id,
  amount: Number(row.amount),
  amount_refunded: Number(row.amount_refunded),
  currency: row.currency,
  status: row.status,
  decline_code: row.decline_code,
  failure_message: row.failure_message,
  card: row.card_brand !== null && row.card_last4 !== null ? { brand: row.card_brand as CardBrand, last4: row.card_last4 } : null,
  refunds,
  created_at: row.created_at,
});

export interface NewPayment {
  id: string;
  customer_id: string;
  amount: number;
  currency: string;
  card_brand: string | null;
  card_last4: string | null;
  payment_method_id: string | null;
  created_at: string;
  /** Real time (reconciliation's grace period counts from it). */
  attempted_at?: string | null;
  /** Known before the charge (renewals): tied at once, so the subscription is not renewed twice. */
  subscription_id?: string | null;
  /** JSON: what settling the charge needs if its answer is lost (services/reconciliation.ts). */
  settlement?: string | null;
}

/** Records a charge attempt as `processing` before the processor is called, so no attempt goes unrecorded. */
export async function insertProcessingPayment(db: Kysely<Database>, scope: Scope, payment: NewPayment): Promise<void> {
  await db
    .insertInto('payments')
    .values({
      subscription_id: null,
      ...payment,
      business_id: scope.businessId,
      mode: scope.mode,
      invoice_id: null,
      amount_refunded: 0,
      status: 'processing',
      decline_code: null,
      failure_message: null,
      processor_charge_id: null,
      updated_at: payment.created_at,
    })
    .execute();
}

/** Moves a payment out of `processing` (only once: a settled payment is never rewritten here). */
export async function settlePayment(db: Kysely<Database>, id: string, change: Updateable<PaymentsTable> & { updated_at: string }): Promise<boolean> {
  const result = await db.updateTable('payments').set(change).where('id', '=', id).where('status', '=', 'processing').executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/** Notes the processor's charge id while the payment is still `processing` (for reconciliation). */
/** Ties a payment to what it tried to pay (a declined attempt: its subscription and/or invoice), without settling it. */
export async function linkPayment(db: Kysely<Database>, id: string, link: { invoice_id?: string | null; subscription_id?: string | null; updated_at: string }): Promise<void> {
  await db.updateTable('payments').set(link).where('id', '=', id).execute();
}

export async function notePaymentCharge(db: Kysely<Database>, id: string, chargeId: string, at: string): Promise<void> {
  await db.updateTable('payments').set({ processor_charge_id: chargeId, updated_at: at }).where('id', '=', id).execute();
}

export async function findPayment(db: Kysely<Database>, scope: Scope, id: string, filter: { customerId?: string } = {}): Promise<Payment | undefined> {
  let query = db.selectFrom('payments').selectAll().where('id', '=', id).where('business_id', '=', scope.businessId).where('mode', '=', scope.mode);
  if (filter.customerId !== undefined) query = query.where('customer_id', '=', filter.customerId);
  const row = await query.executeTakeFirst();
  return row ? toPayment(row, (await refundsOfPayments(db, [row.id])).get(row.id)) : undefined;
}

/** Newest first by (created_at, id), keyset-paged. */
export async function listPayments(db: Kysely<Database>, scope: Scope, options: { limit: number; after?: KeysetPosition; customerId?: string }): Promise<KeysetPage<Payment>> {
  let query = db.selectFrom('payments').selectAll().where('business_id', '=', scope.businessId).where('mode', '=', scope.mode);
  if (options.customerId !== undefined) query = query.where('customer_id', '=', options.customerId);
  if (options.after) {
    const { at, id } = options.after;
    query = query.where((eb) => eb.or([eb('created_at', '<', at), eb.and([eb('created_at', '=', at), eb('id', '<', id)])]));
  }
  const rows = await query
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(options.limit + 1)
    .execute();
  const pageRows = rows.slice(0, options.limit);
  const refunds = await refundsOfPayments(
    db,
    pageRows.map((row) => row.id),
  );
  const items = pageRows.map((row) => toPayment(row, refunds.get(row.id)));
  const last = items.at(-1);
  return { items, next: rows.length > options.limit && last ? { at: last.created_at, id: last.payment_id } : null };
}
