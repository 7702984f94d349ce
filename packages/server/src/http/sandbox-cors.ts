/**
 * CORS for the sandbox processor (`/sandbox/v1`): open to every origin, like a processor's
 * client-side tokenization. It takes no secret and no cookie (credentials are never allowed), and
 * answers only with a token for the card the caller itself sent, so there is nothing an origin
 * check would protect; restricting it to allowed origins would only break merchants' checkouts.
 */
import type { MiddlewareHandler } from 'hono';
import { setHeader } from './response-headers.ts';

export const sandboxCors: MiddlewareHandler = async (c, next) => {
  if (c.req.method === 'OPTIONS' && c.req.header('origin') && c.req.header('access-control-request-method')) {
    return c.body(null, 204, {
      'access-control-allow-origin': '*',
      'access-control-allow-methods': 'POST',
      'access-control-allow-headers': 'content-type',
      'access-control-max-age': '600',
    });
  }
  await next();
  setHeader(c, 'access-control-allow-origin', '*');
  setHeader(c, 'cache-control', 'no-store');
};
