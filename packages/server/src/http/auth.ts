/**
 * Bearer authentication, one helper for every audience: secret API keys on `/v1`, portal session
 * tokens on `/portal/v1`, unified-portal tokens on `/portal/v1/unified`. Each route group mounts
 * its own `bearerAuth(…)`.
 */
import type { Context, Env, MiddlewareHandler } from 'hono';
import { unauthorized } from '../domain/errors.ts';
import { authenticateApiKey } from '../services/api-keys.ts';
import { findSessionByToken, liveSession } from '../services/sessions.ts';
import { withScopeClock, withTestClockAt } from '../services/scope-clock.ts';
import { authenticateUnified } from '../services/unified.ts';
import type { UnifiedSessionRecord } from '../store/unified.ts';
import type { BaseVariables, MerchantEnv, PortalEnv } from './env.ts';
import type { AppContext } from '../runtime.ts';

/** The token of `Authorization: Bearer <token>`, or undefined. */
export function bearerToken(header: string | undefined): string | undefined {
  if (!header) return undefined;
  const match = /^Bearer[ ]+(\S+)\s*$/i.exec(header);
  return match?.[1];
}

/**
 * Reads `Authorization: Bearer <token>`, refuses a request without one (401 `unauthorized`, the
 * message saying which token is wanted), and lets `accept` look the token up and set the context.
 */
export function bearerAuth<E extends Env>(missing: string, accept: (c: Context<E>, token: string) => Promise<void>): MiddlewareHandler<E> {
  return async (c, next) => {
    const token = bearerToken(c.req.header('authorization'));
    if (!token) throw unauthorized(missing);
    await accept(c, token);
    await next();
  };
}

export const merchantAuth = (app: AppContext) =>
  bearerAuth<MerchantEnv>('Pass your secret API key as "Authorization: Bearer sk_test_…" or "sk_live_…".', async (c, token) => {
    const key = await authenticateApiKey(app, token);
    const scope = { businessId: key.businessId, mode: key.mode };
    c.set('scope', scope);
    c.set('ctx', await withScopeClock(app, scope));
  });

export const portalAuth = (app: AppContext) =>
  bearerAuth<PortalEnv>('Pass the portal session token as "Authorization: Bearer dps_…".', async (c, token) => {
    const session = await findSessionByToken(app, token);
    // Known even when expired: CORS on the 401 follows the session's own business.
    c.set('sessionBusinessId', session?.business_id);
    // A test-mode session lives on its business's test clock, read with the session when it
    // exists (one query fewer on every portal request; the profile of issue 16).
    const clocked = !session
      ? app
      : session.mode === 'test' && session.test_clock_now !== null
        ? withTestClockAt(app, session.test_clock_now)
        : await withScopeClock(app, { businessId: session.business_id, mode: session.mode });
    c.set('session', liveSession(clocked, session, app.publicUrl));
  });

export type UnifiedEnv = { Variables: BaseVariables & { unified: UnifiedSessionRecord; sessionBusinessId: string | undefined } };

export const unifiedAuth = (app: AppContext) =>
  bearerAuth<UnifiedEnv>('Pass the unified portal token as "Authorization: Bearer dpu_…".', async (c, token) => {
    c.set('unified', await authenticateUnified(app, token));
  });
