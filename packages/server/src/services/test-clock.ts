/**
 * Time per mode. Live mode runs on the injected real clock. Test mode runs on the business's own
 * test clock: frozen between advances, starting at the real time the business was created, and
 * moved only by `POST /v1/test-clock/advance`, which then runs everything that fell due (renewals,
 * cancellations at period end) before it answers. Rate limits and idempotency keys stay on real
 * time: they protect the server, not the merchant's simulated calendar.
 */
import { BillingErrorCode, MAX_TEST_CLOCK_ADVANCE_SECONDS, type AdvanceTestClockBody, type TestClock } from '@dodo-portal/wire/schemas';
import { DomainError, invalidRequest } from '../domain/errors.ts';
import { toTimestamp } from '../domain/ports.ts';
import type { Scope } from '../store/scope.ts';
import { advanceTestClockRow } from '../store/test-clocks.ts';
import { reconcile } from './reconciliation.ts';
import { runDueRenewals, type RenewalContext, type RenewalReport } from './renewals.ts';
import { clockFor } from './scope-clock.ts';
import type { ServiceContext } from '../runtime.ts';

const testOnly = () => new DomainError(BillingErrorCode.testModeOnly, 'The test clock exists in test mode only: use a sk_test_ key.');

const EMPTY: RenewalReport = { renewed: 0, on_hold: 0, cancelled: 0 };

export async function getTestClock(ctx: ServiceContext, scope: Scope): Promise<TestClock> {
  if (scope.mode !== 'test') throw testOnly();
  return { now: toTimestamp((await clockFor(ctx, scope)).now()), renewals: EMPTY };
}

const tooFar = (path: 'seconds' | 'to', current: Date) =>
  new DomainError(
    BillingErrorCode.testClockAdvanceTooFar,
    `One advance moves the test clock at most ${MAX_TEST_CLOCK_ADVANCE_SECONDS} seconds (two 366-day years), to ${toTimestamp(new Date(current.getTime() + MAX_TEST_CLOCK_ADVANCE_SECONDS * 1000))} from ${toTimestamp(current)}: advance in steps.`,
    { issues: [{ path, message: `must be at most ${MAX_TEST_CLOCK_ADVANCE_SECONDS} seconds ahead of the test clock` }] },
  );

/**
 * Moves the scope's test clock forward and runs what fell due on the way, before answering.
 * `to` before the clock's time → 400; more than two years ahead → 400 `test_clock_advance_too_far`
 * (one call's work stays bounded: every period of every subscription on the way is renewed).
 * `ctx.clock` must be the real clock (leases, bookkeeping).
 */
export async function advanceTestClock(ctx: RenewalContext, scope: Scope, body: AdvanceTestClockBody): Promise<TestClock> {
  if (scope.mode !== 'test') throw testOnly();
  const current = (await clockFor(ctx, scope)).now();
  let target: Date;
  if ('seconds' in body) {
    if (body.seconds > MAX_TEST_CLOCK_ADVANCE_SECONDS) throw tooFar('seconds', current);
    target = new Date(current.getTime() + body.seconds * 1000);
  } else {
    target = new Date(body.to);
    if (target.getTime() < current.getTime()) {
      throw invalidRequest(`"to" is before the test clock's time ${toTimestamp(current)}: the clock only moves forward.`, [{ path: 'to', message: 'is in the past of the test clock' }]);
    }
    if (target.getTime() - current.getTime() > MAX_TEST_CLOCK_ADVANCE_SECONDS * 1000) throw tooFar('to', current);
  }
  const now = await advanceTestClockRow(ctx.store.db, scope.businessId, toTimestamp(target), toTimestamp(ctx.clock.now()));
  // Charges and refunds whose answer was lost first (so a renewal they held can run), then renewals.
  await reconcile(ctx, { scope });
  const renewals = await runDueRenewals(ctx, { scope });
  return { now, renewals };
}
