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
