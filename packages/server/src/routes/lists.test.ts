/**
 * Every list is `{items, next_cursor}`: walks every list operation of the OpenAPI document (each
 * GET whose 200 answer has `items`), merchant and portal alike, through the real server on a
 * seeded database, so a new list route cannot be forgotten.
 */
import type { MagicLinkExchanged, PortalSession } from '@dodo-portal/wire/schemas';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildOpenApiDocument } from '../openapi/document.ts';
import { ResponseSchemas, type ResponseName } from '../openapi/registry.ts';
import { seedDemo } from '../seed.ts';
import { listOutboxMail } from '../store/outbox.ts';
import { eventually, servedBackends, type Served } from '../testing/served.ts';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- walks an untyped JSON document (OpenAPI) field by field
type Json = Record<string, any>;
type Scheme = 'bearerAuth' | 'sessionToken' | 'unifiedToken';

const doc: Json = buildOpenApiDocument();
const schemaName = (ref: string | undefined) => ref?.split('/').pop();

/** `GET` operations answering a list: their 200 schema has an `items` array. */
const listOperations = Object.entries<Json>(doc.paths)
  .flatMap(([path, item]) => (item.get ? [{ path, op: item.get as Json }] : []))
  .map(({ path, op }) => ({ path, op, schema: schemaName(op.responses['200']?.content?.['application/json']?.schema?.$ref) }))
  .filter(({ schema }) => schema && doc.components.schemas[schema]?.properties?.items?.type === 'array')
  .map(({ path, op, schema }) => ({ path, operationId: op.operationId as string, schema: schema as ResponseName, scheme: Object.keys(op.security?.[0] ?? {})[0] as Scheme }))
  // Lists without path parameters first: their items name the ids the others need.
  .sort((a, b) => Number(a.path.includes('{')) - Number(b.path.includes('{')));

describe('the OpenAPI document', () => {
  it('finds the lists of both APIs, and declares next_cursor on every one', () => {
    const ids = listOperations.map((list) => list.operationId);
    for (const id of [
      'listCustomers',
      'listWebhookDeliveries',
      'listPortalInvoices',
      'listPortalPaymentMethods',
      'listPortalLicenseKeys',
      'listPortalLicenseKeyInstances',
      'getPlanOptions',
      'listUnifiedBusinesses',
    ]) {
      expect(ids).toContain(id);
    }
    for (const list of listOperations) {
      const schema = doc.components.schemas[list.schema];
      expect(schema.required, `${list.operationId} (${list.schema})`).toEqual(expect.arrayContaining(['items', 'next_cursor']));
      expect(schema.properties.next_cursor.type, list.schema).toEqual(['string', 'null']);
    }
  });
});

describe.each(servedBackends())('every list route answers {items, next_cursor} (%s)', (_name, start) => {
  let s: Served;
  const tokens = {} as Record<Scheme, string>;

  const call = async (method: string, path: string, token: string, body?: unknown) => {
    const response = await s.call(token, method, path, body);
    const json = (await response.json()) as Json;
    return { status: response.status, json };
  };

  beforeAll(async () => {
    // The lists are walked with the seeded business's key; the served one stays out of them.
    s = await start();
    const seeded = await seedDemo(s.server.store);
    tokens.bearerAuth = seeded.api_keys.test;
    // A webhook endpoint, so its deliveries list has an id to be walked with.
    expect((await call('POST', '/v1/webhook-endpoints', tokens.bearerAuth, { url: 'https://hooks.example.com/dodo' })).status).toBe(201);
    const session = await call('POST', `/v1/customers/${seeded.demo_customer_id}/customer-portal/session`, tokens.bearerAuth, {});
    tokens.sessionToken = (session.json as PortalSession).session_token;
    // The unified portal signs in by email: in test mode the link lands in the outbox.
    const email = seeded.customers.find((customer) => customer.customer_id === seeded.demo_customer_id)!.email;
    expect((await s.post('/portal/v1/unified/login', { email, mode: 'test' })).status).toBe(202);
    const code = await eventually(
      async () => {
        const mail = (await listOutboxMail(s.server.store.db, 20)).find((message) => message.to_address === email && /dpx_/.test(message.text_body));
        return mail ? /\/magic#code=(dpx_[A-Za-z0-9_-]+)/.exec(mail.text_body)?.[1] : undefined;
      },
      2_000,
      'the unified sign-in email',
    );
    tokens.unifiedToken = ((await (await s.post('/portal/v1/unified/magic-link/exchange', { code })).json()) as MagicLinkExchanged).session_token;
  });
  afterAll(async () => s?.close());

  it('walks every list operation of the document', async () => {
    // Ids seen in earlier lists, per audience (a portal route needs the session customer's own ids).
    const known: Record<Scheme, Record<string, string>> = { bearerAuth: {}, sessionToken: {}, unifiedToken: {} };
    const walked: string[] = [];
    for (const list of listOperations) {
      const path = list.path.replace(/\{(\w+)\}/g, (_match, name: string) => {
        const value = known[list.scheme][name];
        if (!value) throw new Error(`${list.operationId}: no ${name} seen in an earlier list; seed one in this test`);
        return encodeURIComponent(value);
      });
      const { status, json } = await call('GET', path, tokens[list.scheme]);
      expect(status, `${list.operationId} ${path}: ${JSON.stringify(json)}`).toBe(200);
      expect(Array.isArray(json.items), list.operationId).toBe(true);
      expect(json, list.operationId).toHaveProperty('next_cursor');
      expect(json.next_cursor === null || typeof json.next_cursor === 'string', list.operationId).toBe(true);
      const parsed = ResponseSchemas[list.schema].safeParse(json);
      expect(parsed.success, `${list.operationId}: ${parsed.error?.message}`).toBe(true);
      for (const item of json.items as Json[]) {
        for (const [field, value] of Object.entries(item)) if (field.endsWith('_id') && typeof value === 'string') known[list.scheme][field] ??= value;
      }
      walked.push(list.operationId);
    }
    expect(walked).toHaveLength(listOperations.length);
  });

  it('pages a paged list: next_cursor is a string while more remain, and null on the last page', async () => {
    let cursor: string | null = null;
    let pages = 0;
    do {
      const { status, json } = await call('GET', `/v1/invoices?limit=10${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`, tokens.bearerAuth);
      expect(status).toBe(200);
      cursor = json.next_cursor as string | null;
      pages += 1;
      if (cursor !== null) expect(json.items).toHaveLength(10);
    } while (cursor !== null && pages < 20);
    expect(cursor).toBeNull();
    expect(pages).toBeGreaterThan(1);
  });
});
