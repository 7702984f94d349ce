/**
 * The queries of paying one open invoice from the portal. The invoice's lease,
 * `pay_claimed_until`, is taken with a conditional UPDATE (still `open`, no live lease) BEFORE the
 * processor is called: of parallel payers one wins, the others see the lease or, later, `paid`.
 * Only the lease holder marks the invoice paid, in the transaction that settles the payment.
 */
import type { Kysely } from 'kysely';
import type { Database } from './schema.ts';
import type { Scope } from './scope.ts';

/** Takes the invoice's lease; false when it is held, or the invoice is not open (any more). */
export async function claimInvoicePayment(db: Kysely<Database>, scope: Scope, id: string, realNow: string, leaseUntil: string): Promise<boolean> {
  const result = await db
    .updateTable('invoices')
    .set({ pay_claimed_until: leaseUntil })
    .where('id', '=', id)
    .where('business_id', '=', scope.businessId)
    .where('mode', '=', scope.mode)
    .where('status', '=', 'open')
    .where((eb) => eb.or([eb('pay_claimed_until', 'is', null), eb('pay_claimed_until', '<', realNow)]))
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/** Gives the lease back (declined, or nothing was charged). */
export async function releaseInvoicePayment(db: Kysely<Database>, id: string, leaseUntil: string): Promise<void> {
  await db.updateTable('invoices').set({ pay_claimed_until: null }).where('id', '=', id).where('pay_claimed_until', '=', leaseUntil).execute();
}

/** Marks the claimed invoice `paid` and drops the lease (in the caller's transaction); false if the claim was lost. */
export async function markInvoicePaid(db: Kysely<Database>, id: string, leaseUntil: string, paidAt: string): Promise<boolean> {
  const result = await db
    .updateTable('invoices')
    .set({ status: 'paid', paid_at: paidAt, pay_claimed_until: null })
    .where('id', '=', id)
    .where('status', '=', 'open')
    .where('pay_claimed_until', '=', leaseUntil)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/** Ties a payment (a declined attempt, or the success being settled) to the invoice it paid. */
export async function linkInvoicePayment(db: Kysely<Database>, paymentId: string, link: { invoice_id: string; subscription_id: string | null; updated_at: string }): Promise<void> {
  await db.updateTable('payments').set(link).where('id', '=', paymentId).execute();
}
