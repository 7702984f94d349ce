import type { MiddlewareHandler } from 'hono';
import { setHeader } from './response-headers.ts';
import { IdPrefix, newId } from '../domain/ids.ts';
import type { BaseEnv } from './env.ts';
import type { AppContext } from '../runtime.ts';

/** A request id on every response (and in every logged error), plus headers every answer gets. */
export function requestContext(app: AppContext): MiddlewareHandler<BaseEnv> {
  return async (c, next) => {
    const requestId = newId(IdPrefix.request, app.random);
    c.set('requestId', requestId);
    await next();
    setHeader(c, 'x-request-id', requestId);
    setHeader(c, 'x-content-type-options', 'nosniff');
    if (!c.res.headers.has('referrer-policy')) setHeader(c, 'referrer-policy', 'no-referrer');
  };
}

/** The hosted portal's Content-Security-Policy: only this origin's scripts and API. */
export const HOSTED_PAGE_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "connect-src 'self'",
  "style-src 'self'",
  // Brand logos are merchant-hosted images (https only).
  "img-src 'self' data: https:",
  "font-src 'self'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
  "form-action 'self'",
].join('; ');

export const hostedPageHeaders = {
  'content-security-policy': HOSTED_PAGE_CSP,
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
  'cross-origin-opener-policy': 'same-origin',
  'cache-control': 'no-store',
} as const;
