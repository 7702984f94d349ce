/**
 * CORS for the portal API. A preflight carries no token, so it is granted to any origin that some
 * business allows; the real request is granted only if the session's own business allows the
 * origin. The merchant API (`/v1`) is server-to-server and never grants CORS.
 */
import type { MiddlewareHandler } from 'hono';
import { setHeader } from './response-headers.ts';
import { isOriginAllowedByAnyBusiness, isOriginAllowedForBusiness } from '../store/businesses.ts';
import type { BaseEnv, PortalEnv } from './env.ts';
import type { AppContext } from '../runtime.ts';

const ALLOW_METHODS = 'GET, POST, PATCH, DELETE';
const ALLOW_HEADERS = 'authorization, content-type, idempotency-key';
const EXPOSE_HEADERS = 'x-request-id, content-disposition';
const MAX_AGE_SECONDS = '600';
const PORTAL_API = /^\/portal\/v1(\/|$)/;

/** Answers every preflight, anywhere: a grant on the portal API for allowed origins, nothing else. */
export function preflight(app: AppContext): MiddlewareHandler<BaseEnv> {
  return async (c, next) => {
    const origin = c.req.header('origin');
    if (c.req.method !== 'OPTIONS' || !origin || !c.req.header('access-control-request-method')) return next();
    c.header('vary', 'Origin');
    if (PORTAL_API.test(c.req.path) && (await isOriginAllowedByAnyBusiness(app.store.db, origin))) {
      c.header('access-control-allow-origin', origin);
      c.header('access-control-allow-methods', ALLOW_METHODS);
      c.header('access-control-allow-headers', ALLOW_HEADERS);
      c.header('access-control-max-age', MAX_AGE_SECONDS);
    }
    return c.body(null, 204);
  };
}

/** Runs around the portal API (outside its auth) and grants the real response per business. */
export function portalCors(app: AppContext): MiddlewareHandler<PortalEnv> {
  return async (c, next) => {
    await next();
    setHeader(c, 'vary', 'Origin', { append: true });
    const origin = c.req.header('origin');
    if (!origin) return;
    const businessId = c.get('session')?.business_id ?? c.get('sessionBusinessId');
    // Without a known session the answer is an error that carries no data: let browsers of any
    // allowed origin read it (as the preflight did), so the portal can say "expired", not "offline".
    const allowed = businessId ? await isOriginAllowedForBusiness(app.store.db, businessId, origin) : c.res.status === 401 && (await isOriginAllowedByAnyBusiness(app.store.db, origin));
    if (allowed) {
      setHeader(c, 'access-control-allow-origin', origin);
      setHeader(c, 'access-control-expose-headers', EXPOSE_HEADERS);
    }
  };
}
