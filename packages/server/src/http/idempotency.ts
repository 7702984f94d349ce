/**
 * `Idempotency-Key` on every merchant POST. The first request with a key claims it (a row
 * inserted before the handler runs); a retry with the same body gets the first answer again,
 * status and body, for at least 24 hours; the same key with another request is refused with
 * 409 `idempotency_key_reused`; a retry while the first still runs gets 409
 * `idempotency_key_in_progress` and never executes. Keys are per business and mode. An answer
 * that is a server error (5xx) is not kept, so the client can retry it with the same key.
 *
 * The key is a lease (`idempotencyLeaseMs`, default 10 minutes, real time), not a lock for ever: a
 * retry that finds the key unanswered past it knows the first request died (kill -9) and recovers
 * the key (services/idempotency-recovery.ts): it runs the request again when nothing was charged,
 * and otherwise answers, for good, with what became of the charge (409
 * `idempotent_request_interrupted`), settled by the reconciler first when it was still unknown; a
 * refund it left `pending` is finished and answered 201. The lease is `IDEMPOTENCY_LEASE_MS` on
 * `dodo-portal serve`; a billing lock the request takes lapses no later than it.
 *
 * Answers that carry a secret (portal session tokens, magic links) are never written to the
 * table: those secrets exist at rest only as hashes. For them the key still keeps concurrent
 * requests from running twice, and is released afterwards, so a retry mints a fresh link.
 */
import { createHash } from 'node:crypto';
import { BillingErrorCode } from '@dodo-portal/wire/schemas';
import type { MiddlewareHandler } from 'hono';
import { DomainError, invalidRequest } from '../domain/errors.ts';
import { toTimestamp } from '../domain/ports.ts';
import { recoverIdempotencyKey } from '../services/idempotency-recovery.ts';
import { runUnderIdempotencyKey } from '../services/keyed-request.ts';
import { claimIdempotencyKey, completeIdempotencyKey, expireIdempotencyKey, releaseIdempotencyKey } from '../store/idempotency.ts';
import type { Context, Env } from 'hono';
import type { Scope } from '../store/scope.ts';
import type { MerchantEnv, PortalEnv } from './env.ts';
import type { AppContext } from '../runtime.ts';

/** How long a key and its answer are kept (the retention the API promises). */
export const IDEMPOTENCY_WINDOW_MS = 24 * 60 * 60 * 1000;
const KEY = /^[\x21-\x7e]{1,255}$/;
const ANSWER_CARRIES_SECRET = /\/customer-portal\//;

/** Merchant API: keys are per business and mode. */
export function idempotency(app: AppContext): MiddlewareHandler<MerchantEnv> {
  return keyed(app, (c) => ({ scope: c.get('scope'), key: (raw) => raw }));
}

/**
 * Portal API: the same rules, with keys per customer (a key one customer chose can never replay
 * or block another customer's request). Runs after portal authentication.
 */
export function portalIdempotency(app: AppContext): MiddlewareHandler<PortalEnv> {
  return keyed(app, (c) => {
    const session = c.get('session');
    return { scope: session.scope, key: (raw) => `portal:${session.customer_id}:${raw}` };
  });
}

function keyed<E extends Env>(app: AppContext, keyspace: (c: Context<E>) => { scope: Scope; key: (raw: string) => string }): MiddlewareHandler<E> {
  return async (c, next) => {
    const raw = c.req.header('idempotency-key');
    if (c.req.method !== 'POST' || raw === undefined) return next();
    if (!KEY.test(raw)) {
      throw invalidRequest('Idempotency-Key must be 1 to 255 visible ASCII characters.', [{ path: 'Idempotency-Key', message: 'must be 1 to 255 visible ASCII characters' }]);
    }
    const space = keyspace(c);
    const scope = space.scope;
    const key = space.key(raw);
    const body = await c.req.text();
    const requestHash = createHash('sha256').update(`${c.req.method} ${c.req.path}\n${body}`).digest('hex');
    const now = app.clock.now();
    const lockedUntil = toTimestamp(new Date(now.getTime() + app.idempotencyLeaseMs));
    const replay = (response: { status: number; body: string }) =>
      new Response(response.body, { status: response.status, headers: { 'content-type': 'application/json', 'idempotent-replayed': 'true' } });
    const inProgress = () => new DomainError(BillingErrorCode.idempotencyKeyInProgress, 'A request with this Idempotency-Key is still being processed. Retry shortly.');

    let claim = await claimIdempotencyKey(app.store.db, scope, key, requestHash, toTimestamp(now), lockedUntil);
    if (claim.kind === 'existing' && claim.response && claim.createdAt < toTimestamp(new Date(now.getTime() - IDEMPOTENCY_WINDOW_MS))) {
      // Past its window: forget the old answer and treat this as a first request.
      if (await expireIdempotencyKey(app.store.db, scope, key, toTimestamp(new Date(now.getTime() - IDEMPOTENCY_WINDOW_MS)))) {
        claim = await claimIdempotencyKey(app.store.db, scope, key, requestHash, toTimestamp(now), lockedUntil);
      }
    }
    if (claim.kind === 'existing') {
      if (claim.requestHash !== requestHash) {
        throw new DomainError(BillingErrorCode.idempotencyKeyReused, 'This Idempotency-Key was already used with a different request. Use a new key for a new request.');
      }
      if (claim.response) return replay(claim.response);
      const lease = claim.lockedUntil ?? toTimestamp(new Date(Date.parse(claim.createdAt) + app.idempotencyLeaseMs));
      if (lease >= toTimestamp(now)) throw inProgress();
      // The first request is gone: take its key over.
      const recovery = await recoverIdempotencyKey(app, scope, key, claim.lockedUntil, lockedUntil);
      if (recovery.kind === 'busy') throw inProgress();
      if (recovery.kind === 'answer') return replay(recovery);
      // Nothing was charged under it: run the request now, under the key this one now holds.
    }

    try {
      await runUnderIdempotencyKey({ scope, key, leaseUntil: lockedUntil }, () => next());
    } catch (error) {
      await releaseIdempotencyKey(app.store.db, scope, key);
      throw error;
    }
    if (c.res.status >= 500 || ANSWER_CARRIES_SECRET.test(c.req.path)) {
      await releaseIdempotencyKey(app.store.db, scope, key);
      return;
    }
    await completeIdempotencyKey(app.store.db, scope, key, { status: c.res.status, body: await c.res.clone().text() });
  };
}
