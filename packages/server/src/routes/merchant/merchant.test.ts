import type { Customer, ErrorBody, Invoice, InvoicePage, Page } from '@dodo-portal/wire/schemas';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { revokeApiKey } from '../../services/api-keys.ts';
import { createHarness, type Harness } from '../../testing/harness.ts';

let h: Harness;
beforeAll(async () => {
  h = await createHarness();
});
afterAll(async () => h.close());

const errorOf = async (response: Response) => ((await response.json()) as ErrorBody).error;

describe('merchant authentication', () => {
  it('answers 401 unauthorized without, with a garbage, or with an unknown key', async () => {
    const missing = await h.app.request('/v1/customers');
    expect(missing.status).toBe(401);
    expect(await errorOf(missing)).toMatchObject({ code: 'unauthorized' });
    for (const key of ['garbage', `sk_test_${'x'.repeat(43)}`, 'Basic abc']) {
      const response = await h.merchant(key, 'GET', '/v1/customers');
      expect(response.status).toBe(401);
      expect((await errorOf(response)).code).toBe('unauthorized');
    }
    const wrongScheme = await h.app.request('/v1/customers', { headers: { authorization: `Token ${h.business.keys.test}` } });
    expect(wrongScheme.status).toBe(401);
  });

  it('refuses a revoked key', async () => {
    const other = await h.newBusiness({ name: 'Revoked Co' });
    expect((await h.merchant(other.keys.test, 'GET', '/v1/customers')).status).toBe(200);
    expect(await revokeApiKey(h.ctx, other.keys.test)).toBe(true);
    const response = await h.merchant(other.keys.test, 'GET', '/v1/customers');
    expect(response.status).toBe(401);
    expect(await errorOf(response)).toMatchObject({ code: 'unauthorized', message: expect.stringContaining('revoked') });
    // The live key of the same business still works.
    expect((await h.merchant(other.keys.live, 'GET', '/v1/customers')).status).toBe(200);
  });

  it('never lets one mode see the other mode’s data', async () => {
    const live = await h.createCustomer(h.business.keys.live, { email: 'only-live@example.com' });
    const test = await h.createCustomer(h.business.keys.test, { email: 'only-test@example.com' });
    expect((await h.merchant(h.business.keys.test, 'GET', `/v1/customers/${live.customer_id}`)).status).toBe(404);
    expect((await h.merchant(h.business.keys.live, 'GET', `/v1/customers/${test.customer_id}`)).status).toBe(404);
    const testList = (await (await h.merchant(h.business.keys.test, 'GET', '/v1/customers?limit=100')).json()) as Page<Customer>;
    expect(testList.items.map((c) => c.customer_id)).not.toContain(live.customer_id);
    // Invoices of a live customer cannot be issued with the test key.
    const cross = await h.merchant(h.business.keys.test, 'POST', '/v1/invoices', {
      customer_id: live.customer_id,
      currency: 'USD',
      line_items: [{ description: 'x', unit_amount: 1 }],
    });
    expect(cross.status).toBe(400);
    expect((await errorOf(cross)).issues).toEqual([{ path: 'customer_id', message: 'no such customer' }]);
  });

  it('keeps businesses apart', async () => {
    const other = await h.newBusiness({ name: 'Other Co' });
    const mine = await h.createCustomer(h.business.keys.test);
    expect((await h.merchant(other.keys.test, 'GET', `/v1/customers/${mine.customer_id}`)).status).toBe(404);
  });
});

describe('POST /v1/customers', () => {
  it('creates a customer (201) with defaults from the business', async () => {
    const response = await h.merchant(h.business.keys.test, 'POST', '/v1/customers', {
      email: 'Ada@Example.com',
      name: '  Ada Lovelace ',
      billing_address: { street: '1 Main St', city: 'London', state: '', zipcode: 'N1 1AA', country: 'GB' },
    });
    expect(response.status).toBe(201);
    const customer = (await response.json()) as Customer;
    expect(customer).toEqual({
      customer_id: expect.stringMatching(/^cus_[0-9a-z]{26}$/),
      business_id: h.business.id,
      email: 'Ada@Example.com',
      name: 'Ada Lovelace',
      phone_number: null,
      billing_address: { street: '1 Main St', city: 'London', state: '', zipcode: 'N1 1AA', country: 'GB' },
      locale: 'en',
      created_at: h.clock.now().toISOString(),
    });
    const fetched = await h.merchant(h.business.keys.test, 'GET', `/v1/customers/${customer.customer_id}`);
    expect(await fetched.json()).toEqual(customer);
  });

  it('answers 409 customer_exists for a duplicate email (any case) in the same mode', async () => {
    await h.createCustomer(h.business.keys.test, { email: 'dup@example.com' });
    const again = await h.merchant(h.business.keys.test, 'POST', '/v1/customers', { email: 'DUP@example.com', name: 'Again' });
    expect(again.status).toBe(409);
    expect((await errorOf(again)).code).toBe('customer_exists');
    // The other mode is another world.
    expect((await h.merchant(h.business.keys.live, 'POST', '/v1/customers', { email: 'dup@example.com', name: 'Live' })).status).toBe(201);
  });

  it('validates the body with one error shape and per-field issues', async () => {
    const response = await h.merchant(h.business.keys.test, 'POST', '/v1/customers', { email: 'not-an-email', name: '', locale: 'x', extra: 1 });
    expect(response.status).toBe(400);
    const error = await errorOf(response);
    expect(error.code).toBe('invalid_request');
    const paths = error.issues!.map((issue) => issue.path);
    expect(paths).toEqual(expect.arrayContaining(['email', 'name', 'locale']));
    expect(error.issues!.some((issue) => issue.message.includes('extra'))).toBe(true);
  });

  it('refuses malformed JSON, a missing body, a wrong content type, and a body over 1 MiB', async () => {
    const auth = { authorization: `Bearer ${h.business.keys.test}` };
    const malformed = await h.app.request('/v1/customers', { method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body: '{"email":' });
    expect(malformed.status).toBe(400);
    expect(await errorOf(malformed)).toMatchObject({ code: 'invalid_request', message: expect.stringContaining('JSON') });

    const empty = await h.app.request('/v1/customers', { method: 'POST', headers: { ...auth, 'content-type': 'application/json' } });
    expect(empty.status).toBe(400);

    const form = await h.app.request('/v1/customers', { method: 'POST', headers: { ...auth, 'content-type': 'application/x-www-form-urlencoded' }, body: 'email=a%40b.c&name=A' });
    expect(form.status).toBe(415);
    expect((await errorOf(form)).code).toBe('unsupported_media_type');

    const big = JSON.stringify({ email: 'big@example.com', name: 'x'.repeat(1024 * 1024 + 10) });
    const tooLarge = await h.app.request('/v1/customers', { method: 'POST', headers: { ...auth, 'content-type': 'application/json', 'content-length': String(big.length) }, body: big });
    expect(tooLarge.status).toBe(413);
    expect((await errorOf(tooLarge)).code).toBe('payload_too_large');
  });
});

describe('GET /v1/customers', () => {
  it('filters by email, pages newest first and rejects bad queries', async () => {
    const other = await h.newBusiness({ name: 'List Co' });
    const made: Customer[] = [];
    for (let i = 0; i < 5; i += 1) {
      await h.advanceTestClock(other.keys.test, 1000);
      made.push(await h.createCustomer(other.keys.test, { email: `list${i}@example.com` }));
    }
    const first = (await (await h.merchant(other.keys.test, 'GET', '/v1/customers?limit=3')).json()) as Page<Customer>;
    expect(first.items.map((c) => c.email)).toEqual(['list4@example.com', 'list3@example.com', 'list2@example.com']);
    expect(first.next_cursor).toEqual(expect.any(String));
    const second = (await (await h.merchant(other.keys.test, 'GET', `/v1/customers?limit=3&cursor=${first.next_cursor}`)).json()) as Page<Customer>;
    expect(second.items.map((c) => c.email)).toEqual(['list1@example.com', 'list0@example.com']);
    expect(second.next_cursor).toBeNull();

    const byEmail = (await (await h.merchant(other.keys.test, 'GET', '/v1/customers?email=LIST2%40example.com')).json()) as Page<Customer>;
    expect(byEmail.items.map((c) => c.customer_id)).toEqual([made[2]!.customer_id]);

    for (const query of ['limit=0', 'limit=101', 'limit=abc', 'cursor=%25%25', 'email=nope', 'unknown=1', 'limit=1&limit=2']) {
      const response = await h.merchant(other.keys.test, 'GET', `/v1/customers?${query}`);
      expect(response.status, query).toBe(400);
      expect((await errorOf(response)).code).toBe('invalid_request');
    }
  });

  it('answers 404 not_found for unknown ids, 404 for unknown routes and 405 for wrong methods', async () => {
    const unknown = await h.merchant(h.business.keys.test, 'GET', '/v1/customers/cus_00000000000000000000000000');
    expect(unknown.status).toBe(404);
    expect((await errorOf(unknown)).code).toBe('not_found');
    expect((await h.merchant(h.business.keys.test, 'GET', '/v1/customers/not-an-id')).status).toBe(404);
    expect((await h.merchant(h.business.keys.test, 'GET', '/v1/nothing-here')).status).toBe(404);
    const wrongMethod = await h.merchant(h.business.keys.test, 'DELETE', '/v1/customers');
    expect(wrongMethod.status).toBe(405);
    expect(wrongMethod.headers.get('allow')).toContain('POST');
    expect((await errorOf(wrongMethod)).code).toBe('method_not_allowed');
  });
});

describe('invoices', () => {
  it('issues sequentially numbered invoices with integer tax and an address snapshot', async () => {
    const other = await h.newBusiness({ name: 'Invoice Co' });
    const customer = await h.createCustomer(other.keys.test, {
      billing_address: { street: 'Storgatan 1', city: 'Stockholm', state: '', zipcode: '111 22', country: 'SE' },
    });
    const response = await h.merchant(other.keys.test, 'POST', '/v1/invoices', {
      customer_id: customer.customer_id,
      currency: 'SEK',
      tax_rate_bps: 2500,
      status: 'open',
      line_items: [
        { description: 'Seats', quantity: 3, unit_amount: 3333 },
        { description: 'Setup', unit_amount: 1 },
      ],
    });
    expect(response.status).toBe(201);
    const invoice = (await response.json()) as Invoice;
    expect(invoice).toMatchObject({
      number: 'INV-000001',
      status: 'open',
      currency: 'SEK',
      subtotal: 10_000,
      tax: 2500,
      total: 12_500,
      paid_at: null,
      subscription_id: null,
      customer_id: customer.customer_id,
      issued_at: h.clock.now().toISOString(),
      billing_address: customer.billing_address,
      line_items: [
        { description: 'Seats', quantity: 3, unit_amount: 3333, amount: 9999 },
        { description: 'Setup', quantity: 1, unit_amount: 1, amount: 1 },
      ],
    });
    const second = await h.createInvoice(other.keys.test, { customer_id: customer.customer_id, tax_rate_bps: 825, line_items: [{ description: 'x', quantity: 1, unit_amount: 4906 }] });
    expect(second).toMatchObject({ number: 'INV-000002', status: 'paid', tax: 405, total: 5311, paid_at: second.issued_at });
    // Live numbering starts on its own.
    const liveCustomer = await h.createCustomer(other.keys.live);
    expect((await h.createInvoice(other.keys.live, { customer_id: liveCustomer.customer_id })).number).toBe('INV-000001');

    const list = (await (await h.merchant(other.keys.test, 'GET', `/v1/invoices?customer_id=${customer.customer_id}`)).json()) as InvoicePage;
    expect(list.items.map((i) => i.number).sort()).toEqual(['INV-000001', 'INV-000002']);
    const fetched = await h.merchant(other.keys.test, 'GET', `/v1/invoices/${invoice.invoice_id}`);
    expect(await fetched.json()).toEqual(invoice);
    expect((await h.merchant(other.keys.live, 'GET', `/v1/invoices/${invoice.invoice_id}`)).status).toBe(404);
  });

  it('validates invoice bodies', async () => {
    const customer = await h.createCustomer(h.business.keys.test);
    const cases: [unknown, string][] = [
      [{ customer_id: customer.customer_id, currency: 'usd', line_items: [{ description: 'x', unit_amount: 1 }] }, 'currency'],
      [{ customer_id: customer.customer_id, currency: 'USD', line_items: [] }, 'line_items'],
      [{ customer_id: customer.customer_id, currency: 'USD', line_items: [{ description: 'x', unit_amount: 1.5 }] }, 'line_items.0.unit_amount'],
      [{ customer_id: customer.customer_id, currency: 'USD', line_items: [{ description: 'x', unit_amount: -1 }] }, 'line_items.0.unit_amount'],
      [{ customer_id: customer.customer_id, currency: 'USD', tax_rate_bps: 10_001, line_items: [{ description: 'x', unit_amount: 1 }] }, 'tax_rate_bps'],
      [{ customer_id: customer.customer_id, currency: 'USD', status: 'void', line_items: [{ description: 'x', unit_amount: 1 }] }, 'status'],
    ];
    for (const [body, path] of cases) {
      const response = await h.merchant(h.business.keys.test, 'POST', '/v1/invoices', body);
      expect(response.status, path).toBe(400);
      expect(
        (await errorOf(response)).issues?.map((issue) => issue.path),
        path,
      ).toContain(path);
    }
  });
});

describe('errors that are bugs', () => {
  it('answer 500 internal_error without internals and log the request id', async () => {
    // A dependency with a bug (a storage failure would be a 503 storage_unavailable instead).
    const broken = await createHarness({
      deps: {
        rateLimiter: {
          hit: () => {
            throw new TypeError("Cannot read properties of undefined (reading 'driver') at sqlite stack");
          },
        },
      },
    });
    const response = await broken.app.request('/portal/v1/login', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ business_id: broken.business.id, email: 'ada@example.com', mode: 'test' }),
    });
    expect(response.status).toBe(500);
    const requestId = response.headers.get('x-request-id');
    expect(requestId).toMatch(/^req_/);
    const error = await errorOf(response);
    expect(error.code).toBe('internal_error');
    expect(error.message).toContain(requestId!);
    expect(error.message).not.toMatch(/sqlite|kysely|driver|stack/i);
    expect(broken.logger.entries.some((entry) => entry.level === 'error' && entry.details?.requestId === requestId)).toBe(true);
    await broken.close().catch(() => undefined);
  });

  it('a closed store is a storage failure, not a bug: 503 storage_unavailable', async () => {
    const closed = await createHarness();
    await closed.store.close(); // every query now fails inside the driver
    const response = await closed.merchant(closed.business.keys.test, 'GET', '/v1/customers');
    expect(response.status).toBe(503);
    const error = await errorOf(response);
    expect(error.code).toBe('storage_unavailable');
    expect(error.message).not.toMatch(/sqlite|kysely|driver|stack/i);
    expect(closed.logger.entries.some((entry) => entry.message === 'storage unavailable')).toBe(true);
    await closed.close().catch(() => undefined);
  });
});

describe('health', () => {
  it('GET /healthz answers ok with security headers', async () => {
    const response = await h.app.request('/healthz');
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ ok: true });
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('x-request-id')).toMatch(/^req_/);
  });
});
