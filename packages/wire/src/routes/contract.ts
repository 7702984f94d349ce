/**
 * What one HTTP route is, as plain data: method, path, who may call it, the schemas it parses and
 * answers with, and the words of its documentation. The server serves each contract once (with
 * `@hono/zod-openapi`) and builds the OpenAPI document from the same objects; a client takes its
 * paths and types from them with the type helpers below (`import type`: no zod at runtime).
 */
import type { z } from 'zod';

export type Method = 'get' | 'post' | 'patch' | 'delete';

/** Who may call a route. */
export type Auth =
  /** `Authorization: Bearer sk_test_…|sk_live_…`: the merchant's secret key (the mode is the key's). */
  | 'secretKey'
  /** `Authorization: Bearer dps_…`: a portal session of one customer of one business in one mode. */
  | 'sessionToken'
  /** `Authorization: Bearer dpu_…`: a unified-portal session of one email in one mode. */
  | 'unifiedToken'
  /** No credential (the license key in the body, or client-side card tokenization). */
  | 'none';

export interface ResponseContract {
  readonly description: string;
  /** The JSON body, or null for an empty body (204) or a file (`contentType`). */
  readonly schema: z.ZodType | null;
  readonly contentType?: string;
}

export interface RouteContract {
  readonly method: Method;
  /** OpenAPI style, from the root: `/v1/customers/{customer_id}`. */
  readonly path: string;
  readonly operationId: string;
  readonly tag: string;
  readonly summary: string;
  readonly description?: string;
  readonly auth: Auth;
  /** The query the route parses (each property is a query parameter; unknown ones are refused). */
  readonly query?: z.ZodObject;
  /** The JSON body the route parses; `optional` when an empty body counts as `{}`. */
  readonly body?: { readonly schema: z.ZodType; readonly optional?: boolean };
  /** Success responses by status. */
  readonly responses: Readonly<Record<number, ResponseContract>>;
  /** Error codes this route returns beyond the ones every call of its kind may return. */
  readonly errors?: Readonly<Record<number, readonly string[]>>;
  /** `Idempotency-Key` is honoured (a replay returns the first response). */
  readonly idempotent?: boolean;
  /** Rate limited per client IP (or key): 429 `rate_limited` with `Retry-After`. */
  readonly rateLimited?: boolean;
}

type ParamNames<P extends string> = P extends `${string}{${infer Name}}${infer Rest}` ? Name | ParamNames<Rest> : never;

/** The path of a route: `'/portal/v1/subscriptions/{subscription_id}'`. */
export type RoutePath<R extends RouteContract> = R['path'];
/** Its path parameters: `{ subscription_id: string }`. */
export type RouteParams<R extends RouteContract> = { [Name in ParamNames<R['path']>]: string };
/** What its query accepts (as sent; defaults may be left out). */
export type RouteQuery<R extends RouteContract> = R['query'] extends z.ZodType ? z.input<R['query']> : never;
/** What its body accepts (as sent). */
export type RouteBody<R extends RouteContract> = R['body'] extends { schema: infer S extends z.ZodType } ? z.input<S> : never;
/** The success statuses it answers with. */
export type RouteStatus<R extends RouteContract> = keyof R['responses'] & number;
/** The body of a success answer (`undefined` for 204 or a file). */
export type RouteResponse<R extends RouteContract, S extends RouteStatus<R> = RouteStatus<R>> = R['responses'][S] extends { schema: infer T }
  ? T extends z.ZodType
    ? z.output<T>
    : undefined
  : never;
/** How a client names a route: `'GET /portal/v1/invoices/{invoice_id}'`. */
export type RouteKey<R extends RouteContract> = `${Uppercase<R['method']>} ${R['path']}`;
/**
 * A group of contracts (`typeof portalRoutes`) keyed by `RouteKey` instead of operationId: what a
 * client or a mock looks a route up by, so a path that is no longer in a contract does not compile.
 */
export type RoutesByKey<G extends Readonly<Record<string, RouteContract>>> = { [Id in keyof G as RouteKey<G[Id]>]: G[Id] };
