/**
 * msw's `http.get/post/patch/delete`, for the routes of the contracts only: a mock names its route
 * as msw does (`*` for any origin, `:name` for the contract's `{name}`) and its resolver gets that
 * contract's path parameters and request body types, so a mock for a path no contract has (or a
 * parameter it does not name) does not compile. The contracts are imported as types only.
 */
import { http, type DefaultBodyType, type HttpHandler, type HttpResponseResolver } from 'msw';
import type { RouteBody, RouteContract, RouteParams, portalRoutes, publicRoutes } from '@dodo-portal/wire/routes';

type Contract = (typeof portalRoutes)[keyof typeof portalRoutes] | (typeof publicRoutes)['createCardToken'];
/** `/invoices/{invoice_id}/pdf` → `/invoices/:invoice_id/pdf`. */
type MswPath<P extends string> = P extends `${infer Head}{${infer Name}}${infer Rest}` ? `${Head}:${Name}${MswPath<Rest>}` : P;
type Verb = Contract['method'];
type ByPath<V extends Verb> = { [C in Extract<Contract, { method: V }> as `*${MswPath<C['path']>}`]: C };

/** The body `request.json()` reads: the contract's (as sent), anything for a route that takes none. */
type RequestBody<C extends RouteContract> = Extract<[RouteBody<C>] extends [never] ? DefaultBodyType : RouteBody<C>, DefaultBodyType>;
// The answer stays any Response: the mocks answer errors and files through shared helpers, and
// some list answers leave out fields the elements do not read (next_cursor).
type Resolver<C extends RouteContract> = HttpResponseResolver<RouteParams<C>, RequestBody<C>, undefined>;
type Mock<Routes> = <P extends keyof Routes>(path: P, resolver: Resolver<Extract<Routes[P], RouteContract>>) => HttpHandler;

export const api = http as unknown as { [V in Verb]: Mock<ByPath<V>> };
