/**
 * Serving a route contract (`@dodo-portal/wire/routes`): `createRoute` from its method, path and
 * schemas, `app.openapi(route, handler)` on an `OpenAPIHono`, so the served route and the OpenAPI
 * operation are one declaration. Bodies and queries are read with http/validate.ts against the
 * contract's own schemas, inside the handler: that keeps today's answers to a bad request (415 for
 * a body that is not JSON, 400 naming a parameter sent twice, an empty optional body read as `{}`)
 * and lets a route look up what it acts on before the body (someone else's object is 404 whatever
 * the body says).
 */
import { createRoute, OpenAPIHono, type RouteConfig } from '@hono/zod-openapi';
import type { RouteContract } from '@dodo-portal/wire/routes';
import type { Context, Env, Handler, MiddlewareHandler } from 'hono';
import type { z } from 'zod';
import { notFoundHandler } from '../http/errors.ts';
import { jsonBody, queryParams } from '../http/validate.ts';

/** `/v1/customers/{customer_id}` → `/v1/customers/:customer_id`, so handlers know their params. */
type HonoPath<P extends string> = P extends `${infer Head}{${infer Name}}${infer Tail}` ? `${Head}:${Name}${HonoPath<Tail>}` : P;

/** The zod-openapi route of a contract, at its path below `prefix` (where its group is mounted). */
function routeOf(contract: RouteContract, prefix: string): RouteConfig {
  if (!contract.path.startsWith(prefix)) throw new Error(`${contract.operationId}: ${contract.path} is not below ${prefix}.`);
  const responses: RouteConfig['responses'] = {};
  for (const [status, response] of Object.entries(contract.responses)) {
    const mediaType = response.schema ? 'application/json' : response.contentType;
    responses[status] = {
      description: response.description,
      ...(mediaType ? { content: { [mediaType]: { schema: response.schema ?? { type: 'string' } } } } : {}),
    };
  }
  return createRoute({
    method: contract.method,
    path: contract.path.slice(prefix.length) || '/',
    operationId: contract.operationId,
    tags: [contract.tag],
    summary: contract.summary,
    ...(contract.description ? { description: contract.description } : {}),
    responses,
  });
}

/**
 * The routes of one resource, mounted at `prefix`: `.on(contract, ...middleware, handler)` per
 * route, then `.app` to mount. Every handler of a contract is registered here, nowhere else.
 */
export function contractRoutes<E extends Env>(prefix: string) {
  const app = new OpenAPIHono<E>();
  const paths = new Set<string>();
  let mounted = false;
  const api = {
    on<C extends RouteContract>(contract: C, ...handlers: [...MiddlewareHandler<E>[], Handler<E, HonoPath<C['path']>>]) {
      const route = routeOf(contract, prefix);
      app.openapi({ ...route, middleware: handlers.slice(0, -1) as MiddlewareHandler[] }, handlers.at(-1) as never);
      paths.add(route.path.replace(/\{(\w+)\}/g, ':$1'));
      return api;
    },
    /**
     * The routes, ready to mount. A path of theirs called with another method ends here (404, which
     * the app's methodNotAllowed makes 405) rather than in a credential check mounted after them.
     */
    get app() {
      if (!mounted) for (const path of paths) app.all(path, notFoundHandler);
      mounted = true;
      return app;
    },
  };
  return api;
}

type WithBody = RouteContract & { body: NonNullable<RouteContract['body']> };
type WithQuery = RouteContract & { query: z.ZodObject };

/** The contract's JSON body, parsed with its schema (`{}` for an empty optional body). */
export const bodyOf = <C extends WithBody>(c: Context, contract: C): Promise<z.output<C['body']['schema']>> =>
  jsonBody(c, contract.body.schema as C['body']['schema'], { optional: contract.body.optional ?? false });

/** The contract's query, parsed with its schema (unknown and repeated parameters refused). */
export const queryOf = <C extends WithQuery>(c: Context, contract: C): z.output<C['query']> => queryParams(c, contract.query as C['query']);
