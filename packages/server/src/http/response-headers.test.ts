import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDemo } from '../seed.ts';
import { servedBackends, type Served } from '../testing/served.ts';

/**
 * The headers every answer gets (request id, nosniff, no-store, CORS) are set on the handler's
 * response in place (response-headers.ts): over the real server they arrive, and the body and its
 * length are the handler's.
 */
describe.each(servedBackends())('answer headers over TCP (%s)', (_name, start) => {
  let s: Served;
  let key: string;
  let token: string;

  beforeAll(async () => {
    s = await start({ businessInput: { allowedOrigins: ['https://shop.example'] } });
    const seeded = await seedDemo(s.server.store, { allowedOrigins: ['https://shop.example'] });
    key = seeded.api_keys.test;
    const session = await s.call(key, 'POST', `/v1/customers/${seeded.demo_customer_id}/customer-portal/session`, {});
    token = ((await session.json()) as { session_token: string }).session_token;
  });
  afterAll(async () => s?.close());

  it('a portal page: request id, nosniff, referrer policy, no-store, CORS for the business origin, exact length', async () => {
    const response = await s.call(token, 'GET', '/portal/v1/invoices?limit=20', undefined, { origin: 'https://shop.example' });
    const body = Buffer.from(await response.arrayBuffer());
    expect(response.status).toBe(200);
    expect(response.headers.get('x-request-id')).toMatch(/^req_/);
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('referrer-policy')).toBe('no-referrer');
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(response.headers.get('vary')).toContain('Origin');
    expect(response.headers.get('access-control-allow-origin')).toBe('https://shop.example');
    expect(response.headers.get('access-control-expose-headers')).toContain('x-request-id');
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    expect(Number(response.headers.get('content-length'))).toBe(body.length);
    expect((JSON.parse(body.toString('utf8')) as { items: unknown[] }).items).toHaveLength(20);
  });

  it('an error answer and a merchant answer carry them too; a route’s own cache-control stays', async () => {
    const refused = await s.call('dps_unknown', 'GET', '/portal/v1/invoices', undefined, { origin: 'https://shop.example' });
    expect(refused.status).toBe(401);
    expect(refused.headers.get('x-request-id')).toMatch(/^req_/);
    expect(refused.headers.get('cache-control')).toBe('no-store');
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBe('unauthorized');

    const merchant = await s.call(key, 'GET', '/v1/customers?limit=1');
    expect(merchant.status).toBe(200);
    expect(merchant.headers.get('x-request-id')).toMatch(/^req_/);
    expect(merchant.headers.get('cache-control')).toBe('no-store');
    expect(merchant.headers.get('access-control-allow-origin')).toBeNull();

    const invoices = (await (await s.call(token, 'GET', '/portal/v1/invoices?limit=1')).json()) as { items: { invoice_id: string }[] };
    const pdf = await s.call(token, 'GET', `/portal/v1/invoices/${invoices.items[0]!.invoice_id}/pdf`);
    expect(pdf.status).toBe(200);
    expect(pdf.headers.get('cache-control')).toBe('private, no-store');
    expect(pdf.headers.get('x-request-id')).toMatch(/^req_/);
    expect(Number(pdf.headers.get('content-length'))).toBe((await pdf.arrayBuffer()).byteLength);
  });
});
