/**
 * The queries of paying an on-hold subscription's dues. The dues are the subscription's `open`
 * invoices (the renewal engine leaves the declined renewal's invoice open).
 *
 * A dues charge takes the subscription's billing lock (store/billing-lock.ts) on `status =
 * 'on_hold'` BEFORE the processor is called. Renewals and plan changes lock only `active`
 * subscriptions, so on hold the lock is the dues payer's alone; of two payers, one wins and the
 * other sees the lock (or, later, the subscription active). Only the holder reactivates it.
 */
import type { Kysely } from 'kysely';
import type { Database } from './schema.ts';
import type { Scope } from './scope.ts';

export interface OpenInvoiceRow {
  id: string;
  number: string;
  currency: string;
  subtotal: number;
  tax: number;
  total: number;
  tax_rate_bps: number;
}

/** The subscription's `open` invoices, oldest first: what an on-hold subscription owes. */
export async function findOpenInvoices(db: Kysely<Database>, scope: Scope, subscriptionId: string): Promise<OpenInvoiceRow[]> {
  const rows = await db
    .selectFrom('invoices')
    .select(['id', 'number', 'currency', 'subtotal', 'tax', 'total', 'tax_rate_bps'])
    .where('business_id', '=', scope.businessId)
    .where('mode', '=', scope.mode)
    .where('subscription_id', '=', subscriptionId)
    .where('status', '=', 'open')
    .orderBy('issued_at')
    .orderBy('id')
    .execute();
  return rows.map((row) => ({ ...row, subtotal: Number(row.subtotal), tax: Number(row.tax), total: Number(row.total), tax_rate_bps: Number(row.tax_rate_bps) }));
}

/** Marks the settled dues invoices `void`: the new paid dues invoice replaces them. */
export async function voidOpenInvoices(db: Kysely<Database>, ids: readonly string[]): Promise<number> {
  if (ids.length === 0) return 0;
  const result = await db
    .updateTable('invoices')
    .set({ status: 'void' })
    .where('id', 'in', [...ids])
    .where('status', '=', 'open')
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}
