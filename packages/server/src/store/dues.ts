/**
 * The queries of paying an on-hold subscription's dues. The dues are the subscription's `open`
 * invoices (the renewal engine leaves the declined renewal's invoice open).
 *
 * A dues charge takes the subscription's one lease, `renewal_claimed_until` — the column renewals
 * and plan changes take — with a conditional UPDATE on `status = 'on_hold'` and an empty or lapsed
 * lease, BEFORE the processor is called. Renewals and plan changes claim only `active`
 * subscriptions, so on hold the lease is the dues payer's alone; of two payers, one wins the
 * UPDATE and the other sees the lease (or, later, the subscription active). The reactivation is
 * written only by the lease holder, in the same kind of conditional UPDATE.
 */
import type { Kysely, Updateable } from 'kysely';
import type { Database, SubscriptionsTable } from './schema.ts';
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

/** Takes the lease of an on-hold subscription for a dues charge; false when it is held or no longer on hold. */
export async function claimDues(db: Kysely<Database>, scope: Scope, id: string, realNow: string, leaseUntil: string): Promise<boolean> {
  const result = await db
    .updateTable('subscriptions')
    .set({ renewal_claimed_until: leaseUntil })
    .where('id', '=', id)
    .where('business_id', '=', scope.businessId)
    .where('mode', '=', scope.mode)
    .where('status', '=', 'on_hold')
    .where((eb) => eb.or([eb('renewal_claimed_until', 'is', null), eb('renewal_claimed_until', '<', realNow)]))
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/** Gives the lease back (the charge was declined, or nothing was charged). */
export async function releaseDues(db: Kysely<Database>, id: string, leaseUntil: string): Promise<void> {
  await db.updateTable('subscriptions').set({ renewal_claimed_until: null }).where('id', '=', id).where('renewal_claimed_until', '=', leaseUntil).execute();
}

/** Reactivates a claimed on-hold subscription and drops the lease (in the caller's transaction); false if the claim was lost. */
export async function settleDues(db: Kysely<Database>, id: string, leaseUntil: string, change: Updateable<SubscriptionsTable>): Promise<boolean> {
  const result = await db
    .updateTable('subscriptions')
    .set({ ...change, status: 'active', renewal_claimed_until: null })
    .where('id', '=', id)
    .where('status', '=', 'on_hold')
    .where('renewal_claimed_until', '=', leaseUntil)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/** Marks the settled dues invoices `void`: the new paid dues invoice replaces them. */
export async function voidOpenInvoices(db: Kysely<Database>, ids: readonly string[]): Promise<number> {
  if (ids.length === 0) return 0;
  const result = await db.updateTable('invoices').set({ status: 'void' }).where('id', 'in', [...ids]).where('status', '=', 'open').executeTakeFirst();
  return Number(result.numUpdatedRows);
}

/** Ties a settled payment (a declined dues attempt) to the subscription and the invoice it tried to pay. */
export async function linkDuesPayment(db: Kysely<Database>, paymentId: string, link: { invoice_id: string | null; subscription_id: string; updated_at: string }): Promise<void> {
  await db.updateTable('payments').set(link).where('id', '=', paymentId).execute();
}
