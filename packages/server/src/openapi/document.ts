/**
 * Builds the OpenAPI 3.1 document from the operation registry and the wire's zod schemas
 * (`z.toJSONSchema`, JSON Schema 2020-12, which OpenAPI 3.1 uses). Request bodies are described
 * as zod parses them (`io: 'input'`: defaults make a field optional), responses as the server
 * writes them (`io: 'output'`). A shared block that differs between the two gets an `…Input` twin.
 */
import { z } from 'zod';
import type { Auth, RouteContract } from '@dodo-portal/wire/routes';
import { operations, PathParams, RequestSchemas, ResponseSchemas } from './registry.ts';
import { CommonFieldDocs, DocsInheritedFrom, FieldDocs } from './field-docs.ts';
import { WebhookEvents } from './webhook-payloads.ts';

type Json = Record<string, unknown>;

export { operations };

/** The component name of a schema object: contracts refer to the named objects themselves. */
function namer(named: Record<string, z.ZodType>): (schema: z.ZodType) => string {
  const names = new Map<z.ZodType, string>();
  for (const [name, schema] of Object.entries(named)) if (!names.has(schema)) names.set(schema, name);
  return (schema) => {
    const name = names.get(schema);
    if (!name) throw new Error('A route uses a schema that has no component name (wire/src/routes/components.ts).');
    return name;
  };
}
export const responseName = namer(ResponseSchemas);
const requestName = namer(RequestSchemas);

const REF = '#/components/schemas/';
/** Placeholder prefix of the input pass, resolved once we know which blocks differ. */
const INPUT_REF = '#/components/input-schemas/';

const SECURITY: Record<Auth, Json[]> = {
  secretKey: [{ bearerAuth: [] }],
  sessionToken: [{ sessionToken: [] }],
  unifiedToken: [{ unifiedToken: [] }],
  none: [],
};

/** The error codes every operation of a kind can return, beside its own. */
function commonErrors(op: RouteContract): Record<number, string[]> {
  const errors: Record<number, string[]> = {};
  const add = (status: number, ...codes: string[]) => {
    errors[status] = [...new Set([...(errors[status] ?? []), ...codes])];
  };
  if (op.auth === 'secretKey' || op.auth === 'unifiedToken') add(401, 'unauthorized');
  if (op.auth === 'sessionToken') add(401, 'unauthorized', 'session_expired');
  // A path id is text too: a control character in it is refused (http/validate.ts pathIds).
  if (op.body || op.query || op.path.includes('{')) add(400, 'invalid_request');
  // The body limit applies before routing: a body sent where none is read is still refused.
  if (op.method !== 'get') add(413, 'payload_too_large');
  if (op.body) add(415, 'unsupported_media_type');
  if (op.path.includes('{')) add(404, 'not_found');
  if (op.idempotent) {
    add(400, 'invalid_request');
    add(409, 'idempotency_key_reused', 'idempotency_key_in_progress', 'idempotent_request_interrupted');
  }
  if (op.rateLimited) add(429, 'rate_limited');
  for (const [status, codes] of Object.entries(op.errors ?? {})) add(Number(status), ...codes);
  // Every operation reads or writes the store: a full disk or a database that is down answers this.
  add(503, 'storage_unavailable');
  return errors;
}

/** `{schemas}` of one pass, without the per-schema `$schema`/`$id` (the document has one dialect). */
function convert(named: Record<string, z.ZodType>, io: 'input' | 'output', refPrefix: string): Record<string, Json> {
  const registry = z.registry<{ id: string }>();
  for (const [id, schema] of Object.entries(named)) registry.add(schema, { id });
  const { schemas } = z.toJSONSchema(registry, { target: 'draft-2020-12', io, unrepresentable: 'any', uri: (id) => `${refPrefix}${id}` }) as { schemas: Record<string, Json> };
  const clean: Record<string, Json> = {};
  for (const [id, schema] of Object.entries(schemas)) {
    const { $schema: _dialect, $id: _id, ...rest } = schema;
    // Responses may grow fields (the API adds, never renames): don't promise a closed object.
    clean[id] = io === 'output' ? (stripClosedObjects(rest) as Json) : rest;
  }
  return clean;
}

function stripClosedObjects(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(stripClosedObjects);
  if (value && typeof value === 'object') {
    const out: Json = {};
    for (const [key, inner] of Object.entries(value)) {
      if (key === 'additionalProperties' && inner === false) continue;
      out[key] = stripClosedObjects(inner);
    }
    return out;
  }
  return value;
}

const refsIn = (value: unknown, prefix: string, found = new Set<string>()): Set<string> => {
  if (Array.isArray(value)) for (const inner of value) refsIn(inner, prefix, found);
  else if (value && typeof value === 'object') {
    for (const [key, inner] of Object.entries(value)) {
      if (key === '$ref' && typeof inner === 'string' && inner.startsWith(prefix)) found.add(inner.slice(prefix.length));
      else refsIn(inner, prefix, found);
    }
  }
  return found;
};

/** Output pass for responses, input pass for request bodies; merged into one `components.schemas`. */
function buildSchemas(): { schemas: Record<string, Json>; requestRef: (name: string) => string } {
  const output = convert(ResponseSchemas, 'output', REF);
  const shared = Object.fromEntries(Object.entries(ResponseSchemas).filter(([name]) => !/(Page|Event|List)$/.test(name)));
  const input = convert({ ...shared, ...RequestSchemas }, 'input', INPUT_REF);
  const asOutput = (schema: Json) => JSON.parse(JSON.stringify(schema).replaceAll(INPUT_REF, REF)) as Json;

  // A block is its own input twin when it reads the same both ways, and so do all it refers to.
  const differs = new Set(Object.keys(input).filter((id) => !(id in output) || JSON.stringify(asOutput(input[id]!)) !== JSON.stringify(output[id])));
  for (let changed = true; changed;) {
    changed = false;
    for (const id of Object.keys(input)) {
      if (differs.has(id)) continue;
      if ([...refsIn(input[id], INPUT_REF)].some((ref) => differs.has(ref))) {
        differs.add(id);
        changed = true;
      }
    }
  }
  const inputName = (id: string) => (!differs.has(id) ? id : id in output ? `${id}Input` : id);
  const requestRef = (name: string) => `${REF}${inputName(name)}`;

  // Keep only input twins reachable from a request body.
  const reachable = new Set<string>();
  const visit = (id: string) => {
    if (reachable.has(id) || !differs.has(id)) return;
    reachable.add(id);
    for (const ref of refsIn(input[id], INPUT_REF)) visit(ref);
  };
  for (const name of Object.keys(RequestSchemas)) visit(name);

  const rewrite = (schema: Json) =>
    JSON.parse(JSON.stringify(schema).replace(/"#\/components\/input-schemas\/([^"]+)"/g, (_match, id: string) => JSON.stringify(`${REF}${inputName(id)}`))) as Json;
  const schemas: Record<string, Json> = { ...output };
  for (const id of reachable) schemas[inputName(id)] = rewrite(input[id]!);
  return { schemas, requestRef };
}

/** The description of `component.field` (or of a field that means the same everywhere). */
function fieldDoc(component: string | undefined, field: string): string | undefined {
  for (let name = component; name; name = DocsInheritedFrom[name]) {
    const doc = FieldDocs[`${name.replace(/Input$/, '')}.${field}`];
    if (doc) return doc;
  }
  return CommonFieldDocs[field];
}

/** Adds field descriptions zod had no way to know (the wire's JSDoc) to each component's properties. */
function describeFields(schemas: Record<string, Json>): void {
  for (const [name, schema] of Object.entries(schemas)) {
    const variants = [schema, ...((schema.anyOf ?? []) as Json[])];
    for (const variant of variants) {
      for (const [field, property] of Object.entries((variant.properties ?? {}) as Record<string, Json>)) {
        if (property.description) continue;
        const doc = fieldDoc(name, field);
        if (doc) property.description = doc;
      }
    }
  }
}

function queryParameters(query: z.ZodObject): Json[] {
  const schema = z.toJSONSchema(query, { target: 'draft-2020-12', io: 'input', unrepresentable: 'any' }) as { properties?: Record<string, Json>; required?: string[] };
  return Object.entries(schema.properties ?? {}).map(([name, property]) => {
    const { description = CommonFieldDocs[name], ...rest } = property as { description?: string };
    return { name, in: 'query', required: (schema.required ?? []).includes(name), ...(description ? { description } : {}), schema: rest };
  });
}

function pathParameters(path: string): Json[] {
  return [...path.matchAll(/\{(\w+)\}/g)].map(([, name]) => {
    const description = PathParams[name!];
    if (!description) throw new Error(`No description for path parameter {${name}} (openapi/registry.ts PathParams).`);
    return { name, in: 'path', required: true, description, schema: { type: 'string' } };
  });
}

const IDEMPOTENCY_KEY = {
  name: 'Idempotency-Key',
  in: 'header',
  required: false,
  description:
    'Makes a retry safe: the same key with the same request replays the first response (status and body) for at least 24 hours; the same key with a different request is 409 `idempotency_key_reused`. 1 to 255 visible ASCII characters.',
  schema: { type: 'string', minLength: 1, maxLength: 255 },
};

const STATUS_TEXT: Record<number, string> = {
  400: 'Invalid request',
  401: 'Not authenticated',
  402: 'Payment failed',
  403: 'Not allowed',
  404: 'Not found',
  409: 'Conflict',
  410: 'Gone',
  413: 'Body too large',
  415: 'Not JSON',
  422: 'Not possible for this object',
  429: 'Rate limited',
  502: 'Upstream failure',
  503: 'Unavailable',
};

function operationObject(op: RouteContract, requestRef: (name: string) => string): Json {
  const parameters = [...pathParameters(op.path), ...(op.query ? queryParameters(op.query) : []), ...(op.idempotent ? [IDEMPOTENCY_KEY] : [])];
  const responses: Json = {};
  for (const [status, response] of Object.entries(op.responses)) {
    responses[status] = {
      description: response.description,
      ...(response.schema
        ? { content: { 'application/json': { schema: { $ref: `${REF}${responseName(response.schema)}` } } } }
        : response.contentType
          ? { content: { [response.contentType]: { schema: { type: 'string', contentMediaType: response.contentType } } } }
          : {}),
    };
  }
  for (const [status, codes] of Object.entries(commonErrors(op)).sort(([a], [b]) => Number(a) - Number(b))) {
    responses[status] = {
      description: `${STATUS_TEXT[Number(status)] ?? 'Error'}: ${codes.map((code) => `\`${code}\``).join(', ')}.`,
      ...(status === '429' ? { headers: { 'Retry-After': { description: 'Seconds until a retry may succeed.', schema: { type: 'integer' } } } } : {}),
      content: { 'application/json': { schema: { $ref: `${REF}ErrorBody` } } },
      'x-error-codes': codes,
    };
  }
  return {
    operationId: op.operationId,
    tags: [op.tag],
    summary: op.summary,
    ...(op.description ? { description: op.description } : {}),
    security: SECURITY[op.auth],
    ...(parameters.length ? { parameters } : {}),
    ...(op.body ? { requestBody: { required: !op.body.optional, content: { 'application/json': { schema: { $ref: requestRef(requestName(op.body.schema)) } } } } } : {}),
    responses,
  };
}

const TAG_DESCRIPTIONS: Record<string, string> = {
  Customers: "The merchant's customers, per business and mode.",
  'Customer portal access': 'Letting a customer into the portal: a session, a magic link or the invite.',
  Invoices: "A customer's invoices, issued by the merchant or by renewals, each with a PDF.",
  Business: 'The business of the API key: its name, portal settings, allowed origins and brand.',
  Products: 'What the business sells: one-time, subscription and usage-based products, add-ons and licensed products.',
  'Product collections': 'Ordered tiers of products a subscriber may switch between.',
  Subscriptions: "A customer's recurring charges for a product and its add-ons.",
  Payments: "Charges of a customer's card, succeeded or failed.",
  Refunds: 'Money given back on a payment, in full or in part.',
  'Test clock': "Test mode only: the business's own clock, moved forward to run renewals and expiries now.",
  'Webhook endpoints': 'Where events are posted, and the record of every delivery.',
  'Usage events': 'Metered usage of a usage-based subscription, billed on its renewal invoice.',
  'License keys': 'The keys issued for licensed products, and their activations.',
  Licenses: 'The public license API your software calls with a license key (no merchant key).',
  Sandbox: "The test-mode payment processor's client-side card tokenization (no secret).",
  'Portal: sign-in': "How a customer's browser gets and ends a portal session.",
  'Portal: unified': 'One sign-in for every business where an email is a customer.',
  'Portal: billing history': "The customer's invoices (with PDFs) and payments.",
  'Portal: subscriptions': "The customer's subscriptions: plan changes, cancellation and what is due.",
  'Portal: payment methods': "The customer's saved cards.",
  'Portal: profile': "The customer's name and billing address, and what the portal shows of the account.",
  'Portal: license keys': "The customer's license keys and their activations.",
  Webhooks: 'The events this server posts to your webhook endpoints, signed per Standard Webhooks.',
};

/** The whole OpenAPI 3.1 document. `serverUrl` is the public origin the API is served at. */
export function buildOpenApiDocument(serverUrl?: string): Json {
  const { schemas, requestRef } = buildSchemas();
  describeFields(schemas);
  const paths: Record<string, Json> = {};
  for (const op of operations) {
    const item = (paths[op.path] ??= {});
    if (item[op.method]) throw new Error(`Two operations for ${op.method.toUpperCase()} ${op.path}.`);
    item[op.method] = operationObject(op, requestRef);
  }
  const webhooks: Record<string, Json> = {};
  for (const [type, event] of Object.entries(WebhookEvents)) {
    webhooks[type] = {
      post: {
        operationId: `webhook_${type.replace('.', '_')}`,
        tags: ['Webhooks'],
        summary: event.summary,
        description:
          'Posted to every webhook endpoint that wants this event, signed per Standard Webhooks: `webhook-id` (the same on every retry), `webhook-timestamp`, `webhook-signature: v1,<base64 HMAC-SHA256 of "{id}.{timestamp}.{body}">` under the endpoint\'s `whsec_…` secret. Any 2xx answer acknowledges it; anything else is retried with backoff.',
        // What the receiver checks: the signature (OpenAPI has no HMAC scheme; this names the header).
        security: [{ webhookSignature: [] }],
        requestBody: { required: true, content: { 'application/json': { schema: { $ref: `${REF}${event.payload}` } } } },
        responses: { '2XX': { description: 'Received.' } },
      },
    };
  }
  const tags = [...new Set([...operations.map((op) => op.tag), 'Webhooks'])].map((name) => ({ name, ...(TAG_DESCRIPTIONS[name] ? { description: TAG_DESCRIPTIONS[name] } : {}) }));
  return {
    openapi: '3.1.1',
    jsonSchemaDialect: 'https://json-schema.org/draft/2020-12/schema',
    info: {
      title: 'dodo-portal API',
      version: '1',
      license: { name: 'MIT', identifier: 'MIT' },
      description:
        'The merchant API (`/v1`, secret key), the customer portal API (`/portal/v1`, session token), the public license API and the sandbox. JSON with snake_case fields; money in integer minor units beside an ISO 4217 currency; timestamps ISO 8601 UTC; every list `{items, next_cursor}` (pass `next_cursor` back as `cursor`). Every error is `{"error": {"code", "message", …}}` with a stable `code`. Text sent in a body, a query parameter or a path may not hold control characters (NUL, ESC, …; line breaks and tabs only in multi-line fields such as a product `description`): `400 invalid_request` naming the field.',
    },
    ...(serverUrl ? { servers: [{ url: serverUrl }] } : {}),
    tags,
    paths,
    webhooks,
    components: {
      schemas,
      securitySchemes: {
        bearerAuth: { type: 'http', scheme: 'bearer', description: "The business's secret API key: `sk_test_…` (test mode) or `sk_live_…` (live mode)." },
        sessionToken: { type: 'http', scheme: 'bearer', description: 'A portal session token (`dps_…`) of one customer of one business in one mode.' },
        unifiedToken: { type: 'http', scheme: 'bearer', description: 'A unified-portal token (`dpu_…`) of one email in one mode.' },
        webhookSignature: {
          type: 'apiKey',
          in: 'header',
          name: 'webhook-signature',
          description:
            'Sent by this server on webhook deliveries, not by callers of the API: `v1,<base64 HMAC-SHA256 of "{webhook-id}.{webhook-timestamp}.{body}">` under the endpoint\'s `whsec_…` secret (Standard Webhooks). Verify it before trusting a delivery.',
        },
      },
    },
  };
}
