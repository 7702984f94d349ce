import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHarness, type Harness } from '../testing/harness.ts';

let h: Harness;
let token: string;
let otherBusinessOrigin: string;

beforeAll(async () => {
  h = await createHarness({ businessInput: { allowedOrigins: ['https://shop.example'] } });
  otherBusinessOrigin = 'https://other-shop.example';
  await h.newBusiness({ name: 'Other', allowedOrigins: [otherBusinessOrigin] });
  const customer = await h.createCustomer(h.business.keys.test);
  token = (await h.createSession(h.business.keys.test, customer.customer_id)).session_token;
});
afterAll(async () => h.close());

const preflight = (path: string, origin: string) =>
  h.app.request(path, {
    method: 'OPTIONS',
    headers: { origin, 'access-control-request-method': 'GET', 'access-control-request-headers': 'authorization' },
  });

describe('CORS preflight (no token)', () => {
  it('grants the portal API to an origin some business allows', async () => {
    for (const origin of ['https://shop.example', otherBusinessOrigin]) {
      const response = await preflight('/portal/v1/invoices', origin);
      expect(response.status).toBe(204);
      expect(response.headers.get('access-control-allow-origin')).toBe(origin);
      expect(response.headers.get('access-control-allow-methods')).toBe('GET, POST, PATCH, DELETE');
      expect(response.headers.get('access-control-allow-headers')).toBe('authorization, content-type, idempotency-key');
      expect(Number(response.headers.get('access-control-max-age'))).toBeGreaterThan(0);
      expect(response.headers.get('vary')).toContain('Origin');
    }
  });

  it('grants nothing to unknown origins, nor on the merchant API', async () => {
    const unknown = await preflight('/portal/v1/invoices', 'https://evil.example');
    expect(unknown.status).toBe(204);
    expect(unknown.headers.get('access-control-allow-origin')).toBeNull();
    const merchant = await preflight('/v1/customers', 'https://shop.example');
    expect(merchant.headers.get('access-control-allow-origin')).toBeNull();
    expect(merchant.headers.get('access-control-allow-methods')).toBeNull();
  });
});

describe('CORS on real portal requests', () => {
  const get = (origin: string, authorization = `Bearer ${token}`) => h.app.request('/portal/v1/invoices', { headers: { origin, authorization } });

  it('grants the session’s own business origins only', async () => {
    const own = await get('https://shop.example');
    expect(own.status).toBe(200);
    expect(own.headers.get('access-control-allow-origin')).toBe('https://shop.example');
    expect(own.headers.get('access-control-expose-headers')).toContain('x-request-id');
    expect(own.headers.get('vary')).toContain('Origin');

    // Allowed by another business (so its preflight passed) but not by this session's business.
    const foreign = await get(otherBusinessOrigin);
    expect(foreign.status).toBe(200);
    expect(foreign.headers.get('access-control-allow-origin')).toBeNull();

    expect((await get('https://evil.example')).headers.get('access-control-allow-origin')).toBeNull();
  });

  it('lets an allowed origin read a 401 so the portal can tell "expired" from "offline"', async () => {
    const unknownToken = await get('https://shop.example', `Bearer dps_${'A'.repeat(43)}`);
    expect(unknownToken.status).toBe(401);
    expect(unknownToken.headers.get('access-control-allow-origin')).toBe('https://shop.example');
    expect((await get('https://evil.example', 'Bearer garbage')).headers.get('access-control-allow-origin')).toBeNull();

    const customer = await h.createCustomer(h.business.keys.test);
    const session = await h.createSession(h.business.keys.test, customer.customer_id, { ttl_seconds: 300 });
    await h.advanceTestClock(h.business.keys.test, 301_000);
    const expired = await h.app.request('/portal/v1/session', { headers: { origin: otherBusinessOrigin, authorization: `Bearer ${session.session_token}` } });
    expect(expired.status).toBe(401);
    // The expired session's business decides, not "any business".
    expect(expired.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('never grants CORS on the merchant API', async () => {
    const response = await h.app.request('/v1/customers', { headers: { origin: 'https://shop.example', authorization: `Bearer ${h.business.keys.test}` } });
    expect(response.status).toBe(200);
    expect(response.headers.get('access-control-allow-origin')).toBeNull();
  });
});
