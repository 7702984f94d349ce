/**
 * Refunds and the payment's refunded amount. The never-exceeds rule is one conditional UPDATE on
 * the payment row (`amount_refunded + :amount <= amount`): atomic on SQLite and PostgreSQL alike,
 * so of two refunds racing for the same money exactly one reserves it.
 */
import type { Refund } from '@dodo-portal/wire/schemas';
import { sql, type Kysely, type Selectable } from 'kysely';
import type { Database, PaymentsTable, RefundsTable } from './schema.ts';
import type { KeysetPage, KeysetPosition, Scope } from './scope.ts';

export const toRefund = (row: Selectable<RefundsTable>): Refund => ({
  refund_id: row.id,
  payment_id: row.payment_id,
  invoice_id: row.invoice_id,
  amount: Number(row.amount),
  currency: row.currency,
  reason: row.reason,
  status: row.status,
  created_at: row.created_at,
});

/** The payment row as stored (with its processor charge id), for the refund service. */
export async function findPaymentRow(db: Kysely<Database>, scope: Scope, id: string): Promise<Selectable<PaymentsTable> | undefined> {
  return db.selectFrom('payments').selectAll().where('id', '=', id).where('business_id', '=', scope.businessId).where('mode', '=', scope.mode).executeTakeFirst();
}

export interface NewRefund {
  id: string;
  payment_id: string;
  invoice_id: string | null;
  amount: number;
  currency: string;
  reason: string | null;
  created_at: string;
  /** Real time (reconciliation's grace period counts from it). */
  attempted_at?: string | null;
}

/**
 * Reserves `amount` of the payment and writes the refund `pending`, in one transaction. False
 * (and nothing written) when the payment is not refundable or the sum would exceed its amount.
 */
export async function reserveRefund(db: Kysely<Database>, scope: Scope, refund: NewRefund): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    const amount = refund.amount;
    const result = await trx
      .updateTable('payments')
      .set((eb) => ({
        amount_refunded: eb('amount_refunded', '+', amount),
        status: sql<'refunded' | 'partially_refunded'>`case when amount_refunded + ${amount} = amount then 'refunded' else 'partially_refunded' end`,
        updated_at: refund.created_at,
      }))
      .where('id', '=', refund.payment_id)
      .where('business_id', '=', scope.businessId)
      .where('mode', '=', scope.mode)
      .where('status', 'in', ['succeeded', 'partially_refunded'])
      .where((eb) => eb(eb('amount_refunded', '+', amount), '<=', eb.ref('amount')))
      .executeTakeFirst();
    if (result.numUpdatedRows === 0n) return false;
    await trx
      .insertInto('refunds')
      .values({ ...refund, business_id: scope.businessId, mode: scope.mode, status: 'pending', processor_refund_id: null, updated_at: refund.created_at })
      .execute();
    return true;
  });
}

/** The processor refunded: the refund is `succeeded`. */
/** Settles a `pending` refund `succeeded`; false when it was no longer pending (settled by someone else). */
export async function settleRefund(db: Kysely<Database>, id: string, processorRefundId: string, at: string): Promise<boolean> {
  const result = await db
    .updateTable('refunds')
    .set({ status: 'succeeded', processor_refund_id: processorRefundId, updated_at: at })
    .where('id', '=', id)
    .where('status', '=', 'pending')
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/** The processor refused: the refund is `failed` and its amount goes back to the payment, in one transaction. */
export async function failRefund(db: Kysely<Database>, refund: { id: string; payment_id: string; amount: number }, at: string): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const marked = await trx.updateTable('refunds').set({ status: 'failed', updated_at: at }).where('id', '=', refund.id).where('status', '=', 'pending').executeTakeFirst();
    if (marked.numUpdatedRows === 0n) return;
    const amount = refund.amount;
    await trx
      .updateTable('payments')
      .set((eb) => ({
        amount_refunded: eb('amount_refunded', '-', amount),
        status: sql<'succeeded' | 'partially_refunded'>`case when amount_refunded - ${amount} = 0 then 'succeeded' else 'partially_refunded' end`,
        updated_at: at,
      }))
      .where('id', '=', refund.payment_id)
      .execute();
  });
}

/** The refund row as stored (with its reconciler's lease), for recovery. */
export async function findRefundRow(db: Kysely<Database>, scope: Scope, id: string): Promise<Selectable<RefundsTable> | undefined> {
  return db.selectFrom('refunds').selectAll().where('id', '=', id).where('business_id', '=', scope.businessId).where('mode', '=', scope.mode).executeTakeFirst();
}

export async function findRefund(db: Kysely<Database>, scope: Scope, id: string): Promise<Refund | undefined> {
  const row = await db.selectFrom('refunds').selectAll().where('id', '=', id).where('business_id', '=', scope.businessId).where('mode', '=', scope.mode).executeTakeFirst();
  return row ? toRefund(row) : undefined;
}

/** Refunds (not failed ones) of these payments, oldest first, by payment id. */
export async function refundsOfPayments(db: Kysely<Database>, paymentIds: string[]): Promise<Map<string, Refund[]>> {
  const byPayment = new Map<string, Refund[]>();
  if (paymentIds.length === 0) return byPayment;
  const rows = await db.selectFrom('refunds').selectAll().where('payment_id', 'in', paymentIds).where('status', '!=', 'failed').orderBy('created_at').orderBy('id').execute();
  for (const row of rows) byPayment.set(row.payment_id, [...(byPayment.get(row.payment_id) ?? []), toRefund(row)]);
  return byPayment;
}

/** Refunds (not failed ones) of these invoices, oldest first, by invoice id. */
export async function refundsOfInvoices(db: Kysely<Database>, invoiceIds: string[]): Promise<Map<string, Refund[]>> {
  const byInvoice = new Map<string, Refund[]>();
  if (invoiceIds.length === 0) return byInvoice;
  const rows = await db.selectFrom('refunds').selectAll().where('invoice_id', 'in', invoiceIds).where('status', '!=', 'failed').orderBy('created_at').orderBy('id').execute();
  for (const row of rows) byInvoice.set(row.invoice_id!, [...(byInvoice.get(row.invoice_id!) ?? []), toRefund(row)]);
  return byInvoice;
}

/** Newest first by (created_at, id), keyset-paged. */
export async function listRefunds(
  db: Kysely<Database>,
  scope: Scope,
  options: { limit: number; after?: KeysetPosition | undefined; paymentId?: string | undefined },
): Promise<KeysetPage<Refund>> {
  let query = db.selectFrom('refunds').selectAll().where('business_id', '=', scope.businessId).where('mode', '=', scope.mode);
  if (options.paymentId !== undefined) query = query.where('payment_id', '=', options.paymentId);
  if (options.after) {
    const { at, id } = options.after;
    query = query.where((eb) => eb.or([eb('created_at', '<', at), eb.and([eb('created_at', '=', at), eb('id', '<', id)])]));
  }
  const rows = await query
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(options.limit + 1)
    .execute();
  const items = rows.slice(0, options.limit).map(toRefund);
  const last = items.at(-1);
  return { items, next: rows.length > options.limit && last ? { at: last.created_at, id: last.refund_id } : null };
}
