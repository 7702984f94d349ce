/**
 * The settlement pipeline: every charge the billing engine makes — a one-time purchase, a first
 * period, a renewal, dues, a plan change, an invoice paid from the portal — is *described* to it
 * as a `ChargePlan` (what to charge, which lock it holds, what is written on success and on a
 * decline) and run by `runCharge`, which owns the sequence:
 *
 * 1. charge: the card is resolved and charged through services/charging.ts (the payment recorded
 *    `processing` first, its id the processor's idempotency key, noted on the request's
 *    Idempotency-Key);
 * 2. nothing taken (an error before the processor was called, or a decline): what the plan did
 *    beforehand is undone, the failed payment tied to what it tried to pay and the billing lock
 *    given back — or, for a plan whose decline is an outcome (a renewal goes on hold), its decline
 *    settlement is written instead;
 * 3. settle, in ONE transaction: the kind's own write under its lock, the invoice, the spent
 *    credit tied to it, the payment `succeeded`, the kind's other writes, license keys, then the
 *    webhook events (transactional outbox); after the commit, the customer's email;
 * 4. the answer lost (the processor took the charge, the process stopped before 3): nothing here
 *    runs; the payment stays `processing`, the lock lapses, and `recoverLostCharge` (run by
 *    services/reconciliation.ts) settles it later, exactly once — through the kind's recovery
 *    when it has one (renewals keep their settlement on the payment), else by refunding in full.
 *
 * A new kind of charge is a new plan builder, not another saga.
 */
import { ErrorCode, type Invoice, type Mode, type Product, type WebhookEventType } from '@dodo-portal/wire/schemas';
import type { Transaction } from 'kysely';
import { DomainError } from '../domain/errors.ts';
import { formatInvoiceNumber } from '../domain/invoice-number.ts';
import { toTimestamp, type Clock } from '../domain/ports.ts';
import type { ChargeLookup } from '../payments/processor.ts';
import { claimBillingLock, releaseBillingLock, settleBillingLock, type LockedChange, type LockedTable, type LockGuard } from '../store/billing-lock.ts';
import { linkSpentCredit, type CreditEntry } from '../store/credits.ts';
import { insertInvoiceInTransaction, type NewInvoice } from '../store/invoices.ts';
import { listCustomerLicenseKeys, updateLicenseKey } from '../store/license-keys.ts';
import { linkPayment, settlePayment } from '../store/payments.ts';
import { claimPayment, releasePayment, type StalePayment } from '../store/reconciliation.ts';
import type { Database } from '../store/schema.ts';
import type { Scope } from '../store/scope.ts';
import { attemptCharge, failPayment, PaymentFailedError, processorFor, type BillingContext, type CardSource, type ChargeAttempt } from './charging.ts';
import { keyLeaseUntil } from './keyed-request.ts';
import { realNow } from '../runtime.ts';
import { insertPricedInvoice, type PricedInvoice } from './invoices.ts';
import { emitLicenseKeysCreated, issueLicenseKeys } from './license-keys.ts';
import { createRefund } from './refunds.ts';
import { clockFor } from './scope-clock.ts';
import { emitPaymentEvent, emitSubscriptionEvent } from './webhooks.ts';

/** The kinds of charge the pipeline runs (a renewal's is kept on its payment for recovery). */
export type ChargeKind = 'purchase' | 'first_period' | 'renewal' | 'dues' | 'plan_change' | 'invoice';

/** How long a billing lock holds (real time) before a crashed holder lets go. */
export const BILLING_LOCK_MS = 5 * 60_000;

/** A billing lock this process holds (store/billing-lock.ts). */
export interface HeldLock<T extends LockedTable = LockedTable> {
  table: T;
  id: string;
  until: string;
}

/**
 * Takes the billing lock of a subscription or invoice for BILLING_LOCK_MS, or until the running
 * request's Idempotency-Key lease lapses if that is sooner (a retry that takes the key over then
 * finds the lock free, rather than answering `charge_in_progress` for good); undefined when it is
 * held or the guard fails.
 */
export async function takeBillingLock<T extends LockedTable>(ctx: BillingContext, table: T, id: string, guard: LockGuard<T>): Promise<HeldLock<T> | undefined> {
  const now = realNow(ctx);
  const lease = keyLeaseUntil();
  const own = toTimestamp(new Date(now.getTime() + BILLING_LOCK_MS));
  const until = lease !== undefined && lease < own ? lease : own;
  return (await claimBillingLock(ctx.store.db, table, id, guard, { realNow: toTimestamp(now), until })) ? { table, id, until } : undefined;
}

export const releaseLock = (trx: Transaction<Database> | BillingContext['store']['db'], lock: HeldLock): Promise<void> => releaseBillingLock(trx, lock.table, lock.id, lock.until);

/** The held row's outcome, written with the settlement; false if the lock was lost. */
export const settleLock = <T extends LockedTable>(trx: Transaction<Database>, lock: HeldLock<T>, guard: LockGuard<T>, change: LockedChange<T>): Promise<boolean> =>
  settleBillingLock(trx, lock.table, lock.id, lock.until, guard, change);

/** What a settlement knows about the charge. */
export interface Settled {
  paymentId: string | null;
  /** The invoice this charge paid (written by the settlement, or the existing one it paid). */
  invoiceId: string | null;
}

/** A webhook event queued with the settlement, in the order listed. */
export type EventStep = 'payment.succeeded' | 'license_key.created' | { subscription: WebhookEventType; id: string } | ((trx: Transaction<Database>, settled: Settled) => Promise<void>);

/** What is written once a charge has its outcome: everything in one transaction, then the email. */
export interface Settlement {
  /** Names the charge in errors ("subscription sub_…: the renewal"). */
  what: string;
  /** Records are dated then (the mode's time). */
  at: string;
  /** The kind's own write under its lock, first; false means the lock was lost and nothing is written. */
  hold?: (trx: Transaction<Database>) => Promise<boolean>;
  /** The invoice written: priced lines, or lines as stored (dues). */
  invoice?: PricedInvoice | { row: NewInvoice } | undefined;
  /** The existing invoice this charge pays (an open invoice paid from the portal). */
  paysInvoiceId?: string;
  /** Credit spent on this charge before it, tied to the invoice written. */
  creditSpent?: { subscriptionId: string; reason: CreditEntry['reason'] } | undefined;
  /** What the payment records besides its status and invoice (a declined one is only tied to them). */
  payment?: { subscription_id?: string | null; payment_method_id?: string | null };
  /** The kind's other writes, after the payment. */
  also?: (trx: Transaction<Database>, settled: Settled) => Promise<void>;
  /** License keys the charge issues; `replace` (a plan change): keys of products no longer held are disabled, products already keyed keep theirs. */
  licenseKeys?: { customerId: string; lines: { product: Product; quantity: number }[]; subscriptionId: string | null; replace?: boolean };
  events: EventStep[];
  /** After the commit: the customer's email. */
  notify?: (settled: Settled & { invoice: Invoice | null }) => Promise<void>;
}

/** A charge, described. */
export interface ChargePlan {
  kind: ChargeKind;
  scope: Scope;
  charge: {
    customerId: string;
    /** Minor units; 0 charges nothing and settles at once. */
    amount: number;
    currency: string;
    description: string;
    /** The card, resolved only when there is something to charge; may throw a 402 (no card on file: a decline). */
    card: CardSource | (() => Promise<CardSource>);
    /** Tied to the payment at once (renewals). */
    subscriptionId?: string;
    /** What settling needs if the answer is lost, kept on the payment with the plan's kind (renewals; `recoverLostCharge`). */
    recovery?: object;
  };
  /** The billing lock held for this charge: given back whenever nothing was taken. */
  lock?: HeldLock;
  /** Undoes what was done for the charge before the card (credit spent): runs whenever nothing was taken. */
  undo?: (trx: Transaction<Database>) => Promise<void>;
  /** On a decline: tie the failed payment to what it tried to pay and throw the 402, or — with `settle` — write that outcome and answer it. */
  declined?: { link?: { invoice_id?: string | null; subscription_id?: string | null }; settle?: (decline: { message: string }) => Promise<Settlement> };
  /** What a success writes; a function when it needs the charge (the card saved after it). */
  settle: Settlement | ((paid: { paymentId: string | null }) => Promise<Settlement>);
}

export type ChargeOutcome = ({ kind: 'paid' } | { kind: 'declined'; message: string }) & Settled & { invoice: Invoice | null };

/** Runs a charge plan: charge → settle (or undo and throw, or settle the decline). See the module comment. */
export async function runCharge(ctx: BillingContext, plan: ChargePlan): Promise<ChargeOutcome> {
  const { scope, charge } = plan;
  let attempt: ChargeAttempt | undefined;
  // Set once the processor was called: from then on only a decline gives the lock back.
  let charging = false;
  try {
    if (charge.amount > 0) {
      const source = typeof charge.card === 'function' ? await charge.card() : charge.card;
      charging = true;
      attempt = await attemptCharge(ctx, scope, {
        customerId: charge.customerId,
        amount: charge.amount,
        currency: charge.currency,
        source,
        description: charge.description,
        ...(charge.subscriptionId !== undefined ? { subscriptionId: charge.subscriptionId } : {}),
        ...(charge.recovery ? { settlement: { ...charge.recovery, kind: plan.kind } } : {}),
      });
    }
  } catch (error) {
    const declined = error instanceof DomainError && error.code === ErrorCode.paymentFailed;
    // The processor's answer is unknown: the payment stays `processing` and the lock lapses.
    if (charging && !declined) throw error;
    const paymentId = error instanceof PaymentFailedError ? error.paymentId : null;
    if (declined && plan.declined?.settle) {
      const settlement = await plan.declined.settle({ message: error.message });
      return { kind: 'declined', message: error.message, ...(await settleCharge(ctx, scope, settlement, { kind: 'declined', paymentId })) };
    }
    await nothingTaken(ctx, plan, declined && paymentId ? { paymentId, link: plan.declined?.link } : undefined);
    throw error;
  }
  const paid = { paymentId: attempt?.paymentId ?? null };
  try {
    const settlement = typeof plan.settle === 'function' ? await plan.settle(paid) : plan.settle;
    return { kind: 'paid', ...(await settleCharge(ctx, scope, settlement, { kind: 'paid', ...paid, ...(attempt ? { chargeId: attempt.charge.charge_id } : {}) })) };
  } catch (error) {
    // With nothing charged the lock goes back; after a charge it lapses and the payment is reconciled.
    if (!attempt) await nothingTaken(ctx, plan).catch(() => undefined);
    throw error;
  }
}

/** Step 2: undo what the plan did before the card, tie a declined payment to what it tried to pay, give the lock back. */
async function nothingTaken(ctx: BillingContext, plan: ChargePlan, declined?: { paymentId: string; link: NonNullable<ChargePlan['declined']>['link'] }): Promise<void> {
  const link = declined?.link;
  if (!plan.undo && !link && !plan.lock) return;
  const at = toTimestamp(ctx.clock.now());
  await ctx.store.db.transaction().execute(async (trx) => {
    await plan.undo?.(trx);
    if (link) await linkPayment(trx, declined.paymentId, { ...link, updated_at: at });
    if (plan.lock) await releaseLock(trx, plan.lock);
  });
}

export type Outcome = { kind: 'paid'; paymentId: string | null; chargeId?: string } | { kind: 'declined'; paymentId: string | null };

/**
 * Writes a settlement for a charge with an outcome: step 3 of the pipeline, also run by a kind's
 * recovery for a charge whose answer was lost. Throws when the plan's lock was lost.
 */
export async function settleCharge(ctx: BillingContext, scope: Scope, s: Settlement, outcome: Outcome): Promise<Settled & { invoice: Invoice | null }> {
  const at = new Date(s.at);
  const result = await ctx.store.db.transaction().execute(async (trx) => {
    if (s.hold && !(await s.hold(trx))) throw new Error(`${s.what}: the billing lock was lost before settling`);
    const invoice = s.invoice ? await ('row' in s.invoice ? insertInvoiceInTransaction(trx, scope, s.invoice.row, formatInvoiceNumber) : insertPricedInvoice(trx, scope, s.invoice)) : null;
    const settled: Settled = { paymentId: outcome.paymentId, invoiceId: invoice?.invoice_id ?? s.paysInvoiceId ?? null };
    if (s.creditSpent && invoice) await linkSpentCredit(trx, s.creditSpent.subscriptionId, s.creditSpent.reason, invoice.invoice_id);
    if (outcome.paymentId && outcome.kind === 'paid') {
      const done = await settlePayment(trx, outcome.paymentId, {
        status: 'succeeded',
        invoice_id: settled.invoiceId,
        ...s.payment,
        ...(outcome.chargeId !== undefined ? { processor_charge_id: outcome.chargeId } : {}),
        updated_at: s.at,
      });
      if (!done) throw new Error(`payment ${outcome.paymentId} was settled by someone else`);
    } else if (outcome.paymentId) {
      await linkPayment(trx, outcome.paymentId, { invoice_id: settled.invoiceId, subscription_id: s.payment?.subscription_id ?? null, updated_at: s.at });
    }
    await s.also?.(trx, settled);
    const licenseKeyIds = s.licenseKeys ? await licenseKeysFor(ctx, trx, scope, s.licenseKeys, settled, at) : [];
    for (const step of s.events) {
      if (step === 'payment.succeeded') {
        if (outcome.paymentId) await emitPaymentEvent(trx, ctx, scope, 'payment.succeeded', outcome.paymentId, at);
      } else if (step === 'license_key.created') await emitLicenseKeysCreated(trx, ctx, scope, licenseKeyIds);
      else if (typeof step === 'function') await step(trx, settled);
      else await emitSubscriptionEvent(trx, ctx, scope, step.subscription, step.id, at);
    }
    return { ...settled, invoice };
  });
  await s.notify?.(result);
  return result;
}

/** Issues the charge's keys; a `replace` (plan change) first disables the subscription's keys of products it no longer holds. */
async function licenseKeysFor(ctx: BillingContext, trx: Transaction<Database>, scope: Scope, keys: NonNullable<Settlement['licenseKeys']>, settled: Settled, at: Date): Promise<string[]> {
  let lines = keys.lines;
  if (keys.replace && keys.subscriptionId) {
    const holds = new Set(lines.map((line) => line.product.product_id));
    const ownKeys = (await listCustomerLicenseKeys(trx, scope, keys.customerId)).filter((key) => key.subscription_id === keys.subscriptionId && key.status === 'active');
    for (const key of ownKeys.filter((key) => !holds.has(key.product_id))) {
      await updateLicenseKey(trx, scope, key.id, { status: 'disabled', updated_at: toTimestamp(at) });
    }
    const keyed = new Set(ownKeys.map((key) => key.product_id));
    lines = lines.filter((line) => line.product.license_key && !keyed.has(line.product.product_id));
  }
  return issueLicenseKeys(ctx, trx, scope, { customerId: keys.customerId, lines, subscriptionId: keys.subscriptionId, invoiceId: settled.invoiceId, paymentId: settled.paymentId, at });
}

/** `ctx` whose clock stands at `at` (records are dated then); leases and retries keep the real clock. */
export function pinnedTo<C extends BillingContext>(ctx: C, at: Date): C {
  const clock: Clock = { now: () => new Date(at.getTime()) };
  return { ...ctx, clock, realClock: ctx.realClock ?? ctx.clock };
}

/** `ctx` on the mode's time (the business's test clock in test mode), pinned to one instant. */
export async function modeContext<C extends BillingContext>(ctx: C, scope: Scope): Promise<{ billing: C; at: Date }> {
  const at = (await clockFor(ctx, scope)).now();
  return { billing: pinnedTo(ctx, at), at };
}

const scopeOf = (row: { business_id: string; mode: Mode }): Scope => ({ businessId: row.business_id, mode: row.mode });

/** How long a reconciler holds a payment (real time). */
const RECOVERY_CLAIM_MS = 5 * 60_000;

const NOT_FOUND = { declineCode: 'charge_not_found', message: 'The processor has no record of this charge: it never went through, and nothing was taken.' };

/**
 * A kind's way to finish a charge whose answer was lost, from what it kept on the payment:
 * true when settled, false to leave it for a later pass, 'orphan' when there is nothing left to
 * finish (then the charge is failed or refunded like any other).
 */
export type ChargeRecovery<C extends BillingContext> = (
  ctx: C,
  scope: Scope,
  payment: StalePayment,
  recovery: { kind: ChargeKind },
  lookup: Exclude<ChargeLookup, { status: 'not_found' }>,
) => Promise<boolean | 'orphan'>;

/**
 * Step 4: a payment left `processing` is claimed (one reconciler per payment, across processes)
 * and the processor asked by its idempotency key. A kind with a recovery finishes its order;
 * otherwise the request that made the charge has already failed, so there is no order to
 * complete: a success is recorded and refunded in full at once, a decline or a charge that never
 * arrived is `failed`. False when another reconciler holds it or it already settled.
 */
export async function recoverLostCharge<C extends BillingContext>(ctx: C, payment: StalePayment, recoveries: Partial<Record<ChargeKind, ChargeRecovery<C>>>): Promise<boolean> {
  const scope = scopeOf(payment);
  const now = ctx.clock.now();
  const leaseUntil = toTimestamp(new Date(now.getTime() + RECOVERY_CLAIM_MS));
  if (!(await claimPayment(ctx.store.db, payment.id, toTimestamp(now), leaseUntil))) return false;
  try {
    const lookup = await processorFor(ctx, scope).retrieveCharge({ idempotencyKey: payment.id, chargeId: payment.processor_charge_id });
    const recovery = payment.settlement ? (JSON.parse(payment.settlement) as { kind: ChargeKind }) : undefined;
    const recover = recovery ? recoveries[recovery.kind] : undefined;
    if (recovery && recover && lookup.status !== 'not_found') {
      const outcome = await recover(ctx, scope, payment, recovery, lookup);
      if (outcome !== 'orphan') return outcome;
    }
    const { billing, at } = await modeContext(ctx, scope);
    if (lookup.status !== 'succeeded') return await failPayment(billing, scope, payment.id, lookup.status === 'declined' ? lookup : NOT_FOUND, at);
    // Money moved for an order that never completed: record it, then give it all back.
    const settled = await ctx.store.db.transaction().execute(async (trx) => {
      const done = await settlePayment(trx, payment.id, { status: 'succeeded', processor_charge_id: lookup.charge.charge_id, updated_at: toTimestamp(at) });
      if (done) await emitPaymentEvent(trx, ctx, scope, 'payment.succeeded', payment.id, at);
      return done;
    });
    if (!settled) return false;
    await createRefund(billing, scope, { payment_id: payment.id, reason: 'Reconciliation: the order this charge paid for did not complete, so the charge is refunded in full.' });
    return true;
  } finally {
    await releasePayment(ctx.store.db, payment.id, leaseUntil);
  }
}
