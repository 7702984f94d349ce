/** Bearer authentication: secret API keys on `/v1`, portal session tokens on `/portal/v1`. */
import type { MiddlewareHandler } from 'hono';
import { unauthorized } from '../domain/errors.ts';
import { authenticateApiKey } from '../services/api-keys.ts';
import { findSessionByToken, liveSession } from '../services/sessions.ts';
import { withScopeClock } from '../services/scope-clock.ts';
import type { MerchantEnv, PortalEnv } from './env.ts';
import type { AppContext } from '../runtime.ts';

/** The token of `Authorization: Bearer <token>`, or undefined. */
export function bearerToken(header: string | undefined): string | undefined {
  if (!header) return undefined;
  const match = /^Bearer[ ]+(\S+)\s*$/i.exec(header);
  return match?.[1];
}

export function merchantAuth(app: AppContext): MiddlewareHandler<MerchantEnv> {
  return async (c, next) => {
    const token = bearerToken(c.req.header('authorization'));
    if (!token) throw unauthorized('Pass your secret API key as "Authorization: Bearer sk_test_…" or "sk_live_…".');
    const key = await authenticateApiKey(app, token);
    const scope = { businessId: key.businessId, mode: key.mode };
    c.set('scope', scope);
    c.set('ctx', await withScopeClock(app, scope));
    await next();
  };
}

export function portalAuth(app: AppContext): MiddlewareHandler<PortalEnv> {
  return async (c, next) => {
    const token = bearerToken(c.req.header('authorization'));
    if (!token) throw unauthorized('Pass the portal session token as "Authorization: Bearer dps_…".');
    const session = await findSessionByToken(app, token);
    // Known even when expired: CORS on the 401 follows the session's own business.
    c.set('sessionBusinessId', session?.business_id);
    // A test-mode session lives on its business's test clock.
    const clocked = session ? await withScopeClock(app, { businessId: session.business_id, mode: session.mode }) : app;
    c.set('session', liveSession(clocked, session, app.publicUrl));
    await next();
  };
}
