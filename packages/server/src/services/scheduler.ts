/**
 * The in-process scheduler `serve` starts: every `intervalMs` it seals webhook secrets still in
 * clear, reconciles charges and refunds whose answer was lost (services/reconciliation.ts) and
 * Idempotency-Keys whose request died (services/idempotency-recovery.ts), renews what is due (live
 * mode on the real clock, each business's test mode on its test clock), posts due webhooks and
 * kicks the mail queue. Ticks never overlap within a process; across processes the renewal and
 * delivery claims keep each period charged and each attempt made once.
 *
 * Webhooks do not wait for the tick: the store announces each commit that queued deliveries
 * (`store.commits`), and the scheduler posts them at once. The tick stays as the fallback: for
 * retries, for deliveries queued by another process, and for a kick lost to a crash.
 *
 * Across processes (several `serve`s, or `serve --workers`, on one PostgreSQL database) every one
 * runs this same scheduler, and none of them is special: the database decides who does each
 * piece of work, and every claim is a lease, so a process that dies lets go of what it held.
 * - A renewal period: a conditional UPDATE takes the subscription's billing lock (5 minutes, or
 *   the request's Idempotency-Key lease if shorter) on its period index before anything is
 *   charged; only the holder settles (services/renewals.ts, store/billing-lock.ts). A holder
 *   killed after the processor charged leaves the payment `processing`, which no runner charges
 *   again; the reconciler settles it after its grace (services/reconciliation.ts).
 * - A webhook attempt: claimed for the webhook lease (WEBHOOK_LEASE_MS); after a crash another
 *   process makes it once the lease lapses (services/webhooks.ts).
 * - A dead request's Idempotency-Key, a stale payment or refund: taken over with a conditional
 *   UPDATE by one sweeper (services/idempotency-recovery.ts, reconciliation.ts).
 * - Wake-ups: on PostgreSQL a commit that queued webhooks or mail also NOTIFYs, and every
 *   process LISTENs (store/pg-commits.ts, which reconnects and then kicks every topic), so the
 *   first process to hear claims the delivery within milliseconds, even if the committer died
 *   right after its commit. Anything a notification missed waits for the next tick here.
 * Tested over real processes: multi-process.test.ts, renewal-crash.test.ts, cluster.test.ts.
 */
import { createDrain } from './drain.ts';
import { recoverStaleIdempotencyKeys, type RecoveryContext } from './idempotency-recovery.ts';
import { reconcile, type ReconcileReport } from './reconciliation.ts';
import { runDueRenewals, type RenewalReport } from './renewals.ts';
import { deliverDueWebhooks, sealLegacyWebhookSecrets, type DeliveryContext } from './webhooks.ts';
import type { MailQueue } from '../runtime.ts';

export interface Scheduler {
  /** One pass now (also what each tick does). */
  runOnce(): Promise<{ reconciled: ReconcileReport; idempotencyKeys: number; renewals: RenewalReport; webhooks: number }>;
  /** Stops ticking and waits for a running pass to finish. */
  stop(): Promise<void>;
}

export const DEFAULT_SCHEDULER_INTERVAL_MS = 30_000;

export function startScheduler(ctx: RecoveryContext & DeliveryContext & { mailQueue: MailQueue; idempotencyLeaseMs?: number }, options: { intervalMs?: number } = {}): Scheduler {
  const intervalMs = options.intervalMs ?? DEFAULT_SCHEDULER_INTERVAL_MS;
  if (!Number.isFinite(intervalMs) || intervalMs < 10) throw new RangeError(`scheduler interval must be at least 10 ms, got ${intervalMs}`);
  let running: Promise<unknown> | undefined;
  let stopped = false;
  const logFailure = (what: string) => (error: unknown) => ctx.logger.error(what, { error: error instanceof Error ? (error.stack ?? error.message) : String(error) });

  const webhooks = createDrain(() => deliverDueWebhooks(ctx), logFailure('webhook delivery failed'));
  const unsubscribe = ctx.store.commits.on((topic) => {
    if (topic === 'webhooks') webhooks.kick();
  });

  const runOnce = async () => {
    await sealLegacyWebhookSecrets(ctx);
    const reconciled = await reconcile(ctx);
    // After the payments pass, so a dead request's charge is settled before its key is answered.
    const idempotencyKeys = await recoverStaleIdempotencyKeys(ctx, ctx.idempotencyLeaseMs);
    const renewals = await runDueRenewals(ctx);
    const delivered = await deliverDueWebhooks(ctx);
    // The mail queue is kicked after each commit that queued mail; the tick is its fallback.
    ctx.mailQueue.kick();
    return { reconciled, idempotencyKeys, renewals, webhooks: delivered };
  };
  const tick = () => {
    if (running || stopped) return;
    running = runOnce()
      .catch(logFailure('scheduler pass failed'))
      .finally(() => {
        running = undefined;
      });
  };
  const timer = setInterval(tick, intervalMs);
  timer.unref();
  tick();
  return {
    runOnce,
    stop: async () => {
      stopped = true;
      clearInterval(timer);
      unsubscribe();
      await running;
      await webhooks.stop();
    },
  };
}
