/**
 * The clock a scope runs on: live mode on the injected real clock, test mode on the business's
 * own test clock (frozen between advances, see services/test-clock.ts). A primitive of its own so
 * that every service can put a context on its scope's time without importing what advancing the
 * clock runs (reconciliation, renewals), which imports those services back.
 */
import { toTimestamp, type Clock } from '../domain/ports.ts';
import type { ServiceContext } from '../runtime.ts';
import type { Scope } from '../store/scope.ts';
import { ensureTestClock } from '../store/test-clocks.ts';

const frozen = (at: string): Clock => {
  const time = new Date(at).getTime();
  return { now: () => new Date(time) };
};

/** The clock of a scope: one primary-key read in test mode, none in live mode. */
export async function clockFor(ctx: ServiceContext, scope: Scope): Promise<Clock> {
  if (scope.mode === 'live') return ctx.clock;
  return frozen(await ensureTestClock(ctx.store.db, scope.businessId, toTimestamp(ctx.clock.now())));
}

/** `ctx` with the scope's clock: what every request of that scope runs on. */
export async function withScopeClock<C extends ServiceContext>(ctx: C, scope: Scope): Promise<C> {
  if (scope.mode === 'live') return ctx;
  return onTestClock(ctx, await clockFor(ctx, scope));
}

/**
 * withScopeClock for a test-mode scope whose test clock was already read (`at`), e.g. with the
 * portal session it authenticates.
 */
export function withTestClockAt<C extends ServiceContext>(ctx: C, at: string): C {
  return onTestClock(ctx, frozen(at));
}

const onTestClock = <C extends ServiceContext>(ctx: C, clock: Clock): C => ({ ...ctx, clock, realClock: ctx.realClock ?? ctx.clock });
