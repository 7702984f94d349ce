/**
 * Request validation against the wire schemas. Bodies must be JSON sent as JSON; unknown fields
 * and query parameters are refused so a typo never silently does nothing.
 */
import { ErrorCode, text } from '@dodo-portal/wire/schemas';
import type { Context, MiddlewareHandler } from 'hono';
import { matchedRoutes } from 'hono/route';
import type { z } from 'zod';
import { DomainError, invalidRequest, type Issue } from '../domain/errors.ts';

const JSON_CONTENT_TYPE = /^application\/(?:[\w.+-]+\+)?json\s*(?:;|$)/i;

export function zodIssues(error: z.ZodError): Issue[] {
  return error.issues.map((issue) => ({ path: issue.path.map(String).join('.'), message: issue.message }));
}

function parseWith<S extends z.ZodType>(schema: S, value: unknown, what: string, at?: string): z.output<S> {
  const result = schema.safeParse(value);
  if (!result.success) {
    const issues = zodIssues(result.error).map((issue) => (at === undefined ? issue : { ...issue, path: at }));
    const first = issues[0];
    throw invalidRequest(`Invalid ${what}${first ? `: ${first.path ? `${first.path}: ` : ''}${first.message}` : ''}.`, issues);
  }
  return result.data;
}

/** Parses a JSON body. With `optional`, an empty body counts as `{}`. */
export async function jsonBody<S extends z.ZodType>(c: Context, schema: S, options: { optional?: boolean } = {}): Promise<z.output<S>> {
  const text = await c.req.text();
  if (text.trim() === '') {
    if (options.optional) return parseWith(schema, {}, 'request body');
    throw invalidRequest('A JSON request body is required.');
  }
  const contentType = c.req.header('content-type') ?? '';
  if (!JSON_CONTENT_TYPE.test(contentType)) {
    throw new DomainError(ErrorCode.unsupportedMediaType, 'Send the body as JSON with "Content-Type: application/json".');
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw invalidRequest('The request body is not valid JSON.');
  }
  return parseWith(schema, value, 'request body');
}

/** Parses the query string; a parameter given twice is refused rather than guessed at. */
export function queryParams<S extends z.ZodType>(c: Context, schema: S): z.output<S> {
  const all = c.req.queries();
  const single: Record<string, string> = {};
  for (const [key, values] of Object.entries(all)) {
    if (values.length !== 1) throw invalidRequest(`Query parameter "${key}" was given more than once.`, [{ path: key, message: 'given more than once' }]);
    single[key] = values[0]!;
  }
  return parseWith(schema, single, 'query');
}

const PathSegment = text();

/**
 * Every path segment is an id or a fixed word: one that breaks the wire's text rule (a control
 * character such as `%00`) is refused before any route looks it up, naming the route's parameter.
 */
export const pathIds: MiddlewareHandler = async (c, next) => {
  const segments = c.req.path.split('/');
  for (const [index, raw] of segments.entries()) {
    if (raw === '') continue;
    let value: string;
    try {
      value = decodeURIComponent(raw);
    } catch {
      continue; // not percent-decodable: the router treats it as literal text, so no control character reaches a route
    }
    if (!PathSegment.safeParse(value).success) parseWith(PathSegment, value, 'path', paramNameAt(c, index) ?? 'path');
  }
  await next();
};

/** The `:name` a matched route has at segment `index` of the path, if any. */
function paramNameAt(c: Context, index: number): string | undefined {
  for (const route of matchedRoutes(c)) {
    const segment = route.path.split('/')[index];
    if (segment?.startsWith(':')) return segment.slice(1).replace(/\{.*$/, '').replace(/\?$/, '');
  }
  return undefined;
}
