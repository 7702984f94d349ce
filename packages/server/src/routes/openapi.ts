import { Hono } from 'hono';
import type { BaseEnv } from '../http/env.ts';
import { buildOpenApiDocument } from '../openapi/document.ts';
import type { AppContext } from '../runtime.ts';

/** `GET /openapi.json`: the API description, public and cacheable (it changes only with a deploy). */
export const openApiRoutes = (app: AppContext) => {
  let body: string | undefined;
  return new Hono<BaseEnv>().get('/', (c) => {
    // Built on first request, then kept: the document depends only on the code and the public URL.
    body ??= JSON.stringify(buildOpenApiDocument(app.publicUrl));
    return c.body(body, 200, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'public, max-age=300', 'access-control-allow-origin': '*' });
  });
};
