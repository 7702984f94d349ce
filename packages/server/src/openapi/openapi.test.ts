import { portalRoutes, type RouteBody, type RouteParams, type RoutePath, type RouteQuery, type RouteResponse } from '@dodo-portal/wire/routes';
import { WebhookEventType, type CancelSubscriptionBody, type PortalSubscription } from '@dodo-portal/wire/schemas';
import { afterAll, beforeAll, describe, expect, expectTypeOf, it } from 'vitest';
import type { z } from 'zod';
import { createHarness, PUBLIC_URL, type Harness } from '../testing/harness.ts';
import { buildOpenApiDocument, operations } from './document.ts';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- walks an untyped JSON document (OpenAPI) field by field
type Json = Record<string, any>;

let h: Harness;
beforeAll(async () => {
  h = await createHarness();
});
afterAll(async () => h.close());

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];
const API_PREFIXES = ['/v1/', '/portal/v1/', '/sandbox/v1/'];

/** Every `$ref` anywhere in the document, with where it was found. */
function refs(value: unknown, at = '#', found: { ref: string; at: string }[] = []) {
  if (Array.isArray(value)) value.forEach((inner, index) => refs(inner, `${at}/${index}`, found));
  else if (value && typeof value === 'object') {
    for (const [key, inner] of Object.entries(value)) {
      if (key === '$ref' && typeof inner === 'string') found.push({ ref: inner, at });
      else refs(inner, `${at}/${key}`, found);
    }
  }
  return found;
}

function resolvePointer(doc: Json, ref: string): unknown {
  if (!ref.startsWith('#/')) return undefined;
  return ref
    .slice(2)
    .split('/')
    .map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce<unknown>((node, part) => (node && typeof node === 'object' ? (node as Json)[part] : undefined), doc);
}

const operationsOf = (doc: Json) =>
  Object.entries<Json>(doc.paths).flatMap(([path, item]) =>
    Object.entries<Json>(item)
      .filter(([method]) => METHODS.includes(method))
      .map(([method, op]) => ({ path, method, op })),
  );

describe('the OpenAPI document', () => {
  const doc: Json = buildOpenApiDocument(PUBLIC_URL);

  it('is OpenAPI 3.1 with info, paths, webhooks and components', () => {
    expect(doc.openapi).toMatch(/^3\.1\.\d+$/);
    expect(doc.info).toMatchObject({ title: expect.any(String), version: expect.any(String) });
    expect(Object.keys(doc.paths as Json).length).toBeGreaterThan(50);
    for (const path of Object.keys(doc.paths as Json)) expect(path).toMatch(/^\/[a-z0-9/{}_.-]+$/);
  });

  it('resolves every $ref', () => {
    const unresolved = refs(doc).filter(({ ref }) => resolvePointer(doc, ref) === undefined);
    expect(unresolved).toEqual([]);
  });

  it('gives every operation a unique operationId, a summary, a tag, security and a success response', () => {
    const ops = [...operationsOf(doc), ...Object.values<Json>(doc.webhooks).map((item) => ({ path: 'webhook', method: 'post', op: item.post }))];
    const ids = ops.map(({ op }) => op.operationId);
    expect(new Set(ids).size).toBe(ids.length);
    const tags = new Set((doc.tags as Json[]).map((tag) => tag.name));
    for (const { path, method, op } of ops) {
      expect(op.summary, `${method} ${path}`).toBeTruthy();
      expect(tags.has(op.tags[0]), `${method} ${path} tag ${op.tags[0]}`).toBe(true);
      expect(
        Object.keys(op.responses).some((status) => /^2/.test(status)),
        `${method} ${path}`,
      ).toBe(true);
    }
  });

  it('declares each {param} of a path as a required path parameter, and no others', () => {
    for (const { path, method, op } of operationsOf(doc)) {
      const inPath = [...path.matchAll(/\{(\w+)\}/g)].map((match) => match[1]).sort();
      const declared = ((op.parameters ?? []) as Json[]).filter((parameter) => parameter.in === 'path');
      expect(declared.map((parameter) => parameter.name).sort(), `${method} ${path}`).toEqual(inPath);
      for (const parameter of declared) expect(parameter.required).toBe(true);
    }
  });

  it('uses only declared security schemes, with the merchant key on /v1 and none on the license API and sandbox', () => {
    const schemes = Object.keys(doc.components.securitySchemes as Json);
    for (const { path, method, op } of operationsOf(doc)) {
      for (const requirement of op.security as Json[]) for (const name of Object.keys(requirement)) expect(schemes).toContain(name);
      const names = (op.security as Json[]).flatMap((requirement) => Object.keys(requirement));
      if (path.startsWith('/v1/licenses/') || path.startsWith('/sandbox/')) expect(names, `${method} ${path}`).toEqual([]);
      else if (path.startsWith('/v1/')) expect(names, `${method} ${path}`).toEqual(['bearerAuth']);
    }
  });

  it('describes every error with the one ErrorBody shape and its codes', () => {
    for (const { path, method, op } of operationsOf(doc)) {
      for (const [status, response] of Object.entries<Json>(op.responses)) {
        if (Number(status) < 400) continue;
        expect(response.content['application/json'].schema, `${method} ${path} ${status}`).toEqual({ $ref: '#/components/schemas/ErrorBody' });
        expect(response['x-error-codes'].length).toBeGreaterThan(0);
      }
    }
  });

  it('offers Idempotency-Key on every merchant POST except the public license API', () => {
    for (const { path, method, op } of operationsOf(doc)) {
      if (method !== 'post' || !path.startsWith('/v1/')) continue;
      const header = ((op.parameters ?? []) as Json[]).some((parameter) => parameter.in === 'header' && parameter.name === 'Idempotency-Key');
      expect(header, `${method} ${path}`).toBe(!path.startsWith('/v1/licenses/'));
    }
  });

  it('has a webhook for every event type, with its payload', () => {
    expect(Object.keys(doc.webhooks as Json).sort()).toEqual([...WebhookEventType.options].sort());
    for (const [type, item] of Object.entries<Json>(doc.webhooks)) {
      const payload = resolvePointer(doc, item.post.requestBody.content['application/json'].schema.$ref) as Json;
      expect(payload.properties.type).toEqual(expect.objectContaining({ const: type }));
      expect(payload.required).toEqual(expect.arrayContaining(['type', 'timestamp', 'business_id', 'data']));
    }
  });

  it('describes request bodies as they are parsed: unknown fields refused, defaulted fields optional', () => {
    const schemas = doc.components.schemas as Json;
    expect(schemas.CreateCustomerBody.additionalProperties).toBe(false);
    expect(schemas.CreateCustomerBody.required).toEqual(['email', 'name']);
    // `send_email` and `ttl_seconds` have defaults: a merchant may leave them out.
    expect(schemas.CreatePortalSessionBody.required ?? []).not.toContain('send_email');
    // Responses may grow fields: no closed objects there.
    expect(schemas.Customer.additionalProperties).toBeUndefined();
  });
});

/** `/v1/customers/:customer_id` → `/v1/customers/{customer_id}`; no trailing slash. */
const normalize = (path: string) => path.replace(/:(\w+)/g, '{$1}').replace(/(.)\/$/, '$1');

/**
 * One line per operation: method, path, operationId, parameters, request body and every response
 * status with its schema. The committed snapshot is the document as the hand-kept registry wrote
 * it before the routes declared themselves; an operation may only change here on purpose.
 */
function operationLines(doc: Json): string {
  const schemaOf = (content: Json | undefined) =>
    Object.entries<Json>(content ?? {})
      .map(([type, media]) => `${type}:${String(media.schema?.$ref ?? media.schema?.type ?? '').replace('#/components/schemas/', '')}`)
      .join(',');
  return operationsOf(doc)
    .map(({ path, method, op }) => {
      const parameters = ((op.parameters ?? []) as Json[]).map((p) => `${p.in}:${p.name}${p.required ? '!' : ''}`).join(',');
      const body = op.requestBody ? `${schemaOf(op.requestBody.content)}${op.requestBody.required ? '!' : ''}` : '-';
      const responses = Object.entries<Json>(op.responses)
        .map(([status, response]) => `${status}${response.content ? `=${schemaOf(response.content)}` : ''}${response['x-error-codes'] ? `[${response['x-error-codes'].join(',')}]` : ''}`)
        .join(' ');
      return `${method.toUpperCase()} ${path} ${op.operationId} (${parameters}) body=${body} ${responses}`;
    })
    .sort()
    .join('\n');
}

describe('the document and the app', () => {
  it('keeps every path, operation, parameter, body, status and schema it documented', async () => {
    await expect(operationLines(buildOpenApiDocument()) + '\n').toMatchFileSnapshot('./operations.snapshot.txt');
  });

  it('serves each route contract through app.openapi at its path, and no route besides', () => {
    const registered = h.app.openAPIRegistry.definitions
      .flatMap((definition) => (definition.type === 'route' ? [definition.route] : []))
      .map((route) => `${route.method} ${normalize(route.path)} ${route.operationId}`)
      .sort();
    expect(registered).toEqual(operations.map((op) => `${op.method} ${op.path} ${op.operationId}`).sort());
  });

  it('document every API route the app serves, and only those', () => {
    const doc: Json = buildOpenApiDocument();
    const served = new Set(
      h.app.routes
        .filter((route) => route.method !== 'ALL' && API_PREFIXES.some((prefix) => route.path.startsWith(prefix)))
        .map((route) => `${route.method.toUpperCase()} ${normalize(route.path)}`),
    );
    const documented = new Set(
      operationsOf(doc)
        .filter(({ path }) => API_PREFIXES.some((prefix) => path.startsWith(prefix)))
        .map(({ path, method }) => `${method.toUpperCase()} ${path}`),
    );
    expect({ undocumented: [...served].filter((route) => !documented.has(route)).sort(), notServed: [...documented].filter((route) => !served.has(route)).sort() }).toEqual({
      undocumented: [],
      notServed: [],
    });
  });

  it('serves the document at GET /openapi.json without a key, cacheable', async () => {
    const response = await h.app.request('/openapi.json');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    expect(response.headers.get('cache-control')).toBe('public, max-age=300');
    const body = (await response.json()) as Json;
    expect(body.openapi).toMatch(/^3\.1\./);
    expect(body.servers).toEqual([{ url: PUBLIC_URL }]);
    expect(body.paths['/v1/customers'].post.operationId).toBe('createCustomer');
  });

  it('answers other methods on /openapi.json with 405 in the one error shape', async () => {
    const response = await h.app.request('/openapi.json', { method: 'POST' });
    expect(response.status).toBe(405);
    expect(((await response.json()) as Json).error.code).toBe('method_not_allowed');
  });
});

describe('route contracts for a client', () => {
  it('give the path, parameters, query, body and answer of a route as types', () => {
    type Cancel = typeof portalRoutes.cancelPortalSubscription;
    const path: RoutePath<Cancel> = portalRoutes.cancelPortalSubscription.path;
    expect(path).toBe('/portal/v1/subscriptions/{subscription_id}/cancel');
    expectTypeOf<RoutePath<Cancel>>().toEqualTypeOf<'/portal/v1/subscriptions/{subscription_id}/cancel'>();
    expectTypeOf<RouteParams<Cancel>>().toEqualTypeOf<{ subscription_id: string }>();
    expectTypeOf<RouteBody<Cancel>>().toEqualTypeOf<z.input<typeof CancelSubscriptionBody>>();
    expectTypeOf<RouteResponse<Cancel>>().toEqualTypeOf<PortalSubscription>();
    expectTypeOf<RouteQuery<typeof portalRoutes.listPortalInvoices>>().toHaveProperty('cursor');
    expectTypeOf<RouteResponse<typeof portalRoutes.endPortalSession>>().toEqualTypeOf<undefined>();
  });
});
