import type { Context } from 'hono';

/**
 * Sets a header on the response a handler already made, in place. Hono's `c.header()` after the
 * handler copies the whole Response, and reading its body for that turns @hono/node-server's
 * lightweight response (a string written straight to the socket) into a web stream read chunk by
 * chunk: four such calls per portal request were the largest part of its HTTP cost (issue 16's
 * profile). A response with immutable headers (`Response.redirect`, a fetched one) gets the copy.
 */
export function setHeader(c: Context, name: string, value: string, options?: { append?: boolean }): void {
  const headers = c.res.headers;
  try {
    if (options?.append) headers.append(name, value);
    else headers.set(name, value);
  } catch {
    c.header(name, value, options);
  }
}
