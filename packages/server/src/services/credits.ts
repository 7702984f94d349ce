/**
 * Customer credit as the billing engine uses it: a downgrade's unused time is added; the next
 * charges (a plan change, a renewal) spend it first, after tax, and their invoice shows it as a
 * negative "Credit applied" line so the invoice total is what the card paid.
 */
import type { Kysely } from 'kysely';
import type { PricedPurchase } from '../domain/catalog.ts';
import { IdPrefix, newId } from '../domain/ids.ts';
import { lineText } from '../domain/line-descriptions.ts';
import { creditBalance, findCreditEntryByKey, spendCredit, type CreditEntry } from '../store/credits.ts';
import type { Database } from '../store/schema.ts';
import type { Scope } from '../store/scope.ts';
import type { ServiceContext } from '../runtime.ts';

export const CREDIT_LINE_DESCRIPTION = lineText('credit.applied').description;

/** The invoice line of spent credit (negative). */
// Credit is spent after tax: its line carries no tax.
export const creditLine = (amount: number) => ({ ...lineText('credit.applied'), quantity: 1, unit_amount: -amount, amount: -amount, tax_rate_bps: 0 });

/**
 * Spends up to `upTo` of the customer's credit in `currency`, at most once per `key`: a retry with
 * the same key answers what the first spent. Returns the amount spent (0 when there is none).
 */
export async function spendCreditOnce(
  ctx: ServiceContext,
  scope: Scope,
  input: { customerId: string; currency: string; upTo: number; key: string; reason: CreditEntry['reason']; subscriptionId: string | null; at: string },
): Promise<number> {
  if (input.upTo <= 0) return 0;
  return ctx.store.db.transaction().execute(async (trx) => {
    const earlier = await findCreditEntryByKey(trx, input.key);
    if (earlier) return -earlier.amount;
    return spendUpTo(trx, ctx, scope, input);
  });
}

/** Spends min(balance, upTo) inside the caller's transaction; the amount spent. */
export async function spendUpTo(
  db: Kysely<Database>,
  ctx: Pick<ServiceContext, 'random'>,
  scope: Scope,
  input: { customerId: string; currency: string; upTo: number; key?: string | null; reason: CreditEntry['reason']; subscriptionId: string | null; at: string },
): Promise<number> {
  // The balance only shrinks under a conditional UPDATE: re-read and retry if another spend won.
  for (let attempt = 0; attempt < 5; attempt += 1) {
    const balance = await creditBalance(db, scope, input.customerId, input.currency);
    const amount = Math.min(balance, input.upTo);
    if (amount <= 0) return 0;
    const spent = await spendCredit(db, scope, {
      id: newId(IdPrefix.creditEntry, ctx.random),
      customerId: input.customerId,
      currency: input.currency,
      amount: -amount,
      reason: input.reason,
      subscriptionId: input.subscriptionId,
      invoiceId: null,
      idempotencyKey: input.key ?? null,
      at: input.at,
    });
    if (spent) return amount;
  }
  throw new Error(`customer ${input.customerId}: credit kept changing while being spent`);
}

/** A priced charge with `credit` spent on it: a negative "Credit applied" line, the total lowered by it. */
export function withCreditApplied(priced: PricedPurchase, credit: number): PricedPurchase {
  if (credit <= 0) return priced;
  return { ...priced, line_items: [...priced.line_items, creditLine(credit)], subtotal: priced.subtotal - credit, total: priced.total - credit };
}
