import type { MiddlewareHandler } from 'hono';
import { setHeader } from '../http/response-headers.ts';

/** API answers are never cached unless a route says otherwise. */
export const noStore: MiddlewareHandler = async (c, next) => {
  await next();
  if (!c.res.headers.has('cache-control')) setHeader(c, 'cache-control', 'no-store');
};
