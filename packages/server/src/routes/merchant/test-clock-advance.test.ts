/**
 * A test-clock advance is bounded (two years per call) and never starves the server: while an
 * advance of two years renews 60 half-yearly subscriptions period by period (240 renewals, each
 * a charge, an invoice, its events and emails), /healthz keeps
 * answering quickly. Through a real server over TCP on each store.
 */
import { MAX_TEST_CLOCK_ADVANCE_SECONDS, type ErrorBody, type Product, type TestClock } from '@dodo-portal/wire/schemas';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SandboxCards } from '../../payments/sandbox.ts';
import { sandboxCardToken, servedBackends, type Served } from '../../testing/served.ts';

const SUBSCRIPTIONS = 60;
/** Generous: a healthz answered in well under this while renewals run is "not starved". */
const HEALTHZ_BOUND_MS = 1_000;

describe.each(servedBackends())('test-clock advance over TCP (%s)', (name, start) => {
  let t: Served;
  let key: string;

  beforeAll(async () => {
    // trustProxy: each card token comes "from" its own address, under the per-IP token limit.
    t = await start({ trustProxy: true });
    key = t.business.keys.test;
  });
  afterAll(async () => t?.close());

  it('refuses more than two years in one call with test_clock_advance_too_far, and leaves the clock alone', async () => {
    const before = await t.expect<TestClock>(200, key, 'GET', '/v1/test-clock');
    const aheadBy = (seconds: number) => new Date(Date.parse(before.now) + seconds * 1000).toISOString();
    for (const body of [{ to: '9999-12-31T23:59:59Z' }, { seconds: 316_224_000 }, { seconds: MAX_TEST_CLOCK_ADVANCE_SECONDS + 1 }, { to: aheadBy(MAX_TEST_CLOCK_ADVANCE_SECONDS + 1) }]) {
      const response = await t.call(key, 'POST', '/v1/test-clock/advance', body);
      const error = ((await response.json()) as ErrorBody).error;
      expect(response.status, JSON.stringify(body)).toBe(400);
      expect(error.code).toBe('test_clock_advance_too_far');
      expect(error.message).toContain('two 366-day years');
    }
    expect((await t.expect<TestClock>(200, key, 'GET', '/v1/test-clock')).now).toBe(before.now);
  });

  it(`renews ${SUBSCRIPTIONS} subscriptions over two years while /healthz keeps answering within ${HEALTHZ_BOUND_MS} ms`, async () => {
    const plan = await t.expect<Product>(201, key, 'POST', '/v1/products', {
      name: 'Half-yearly',
      price: 500,
      billing_type: 'subscription',
      currency: 'USD',
      interval: 'month',
      interval_count: 6,
      tax_rate_bps: 0,
    });
    for (let i = 0; i < SUBSCRIPTIONS; i += 1) {
      const customer = await t.expect<{ customer_id: string }>(201, key, 'POST', '/v1/customers', { email: `clock${i}@example.com`, name: `Clock ${i}` });
      await t.expect(201, key, 'POST', '/v1/subscriptions', { customer_id: customer.customer_id, product_id: plan.product_id, card_token: await sandboxCardToken(t, SandboxCards.succeeds) });
    }

    const started = performance.now();
    let done = false;
    const advance = t
      .call(key, 'POST', '/v1/test-clock/advance', { seconds: 2 * 366 * 86_400 })
      .then(async (response) => ({ status: response.status, body: (await response.json()) as TestClock }))
      .finally(() => (done = true));
    const latencies: number[] = [];
    while (!done) {
      const sent = performance.now();
      const response = await fetch(`${t.server.url}/healthz`, { signal: AbortSignal.timeout(30_000) });
      await response.arrayBuffer();
      expect(response.status).toBe(200);
      latencies.push(performance.now() - sent);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const result = await advance;
    const took = performance.now() - started;
    const sorted = [...latencies].sort((a, b) => a - b);
    console.log(
      `${name}: advance of 2 years over ${SUBSCRIPTIONS} subscriptions took ${Math.round(took)} ms; ${latencies.length} healthz answered, ` +
        `median ${Math.round(sorted[Math.floor(sorted.length / 2)]!)} ms, max ${Math.round(sorted[sorted.length - 1]!)} ms`,
    );
    expect(result.status).toBe(200);
    // Half-year periods: 4 of them end within two 366-day years, for each subscription.
    expect(result.body.renewals).toEqual({ renewed: SUBSCRIPTIONS * 4, on_hold: 0, cancelled: 0 });
    // Healthz was asked all along the advance (every 20 ms plus its own time), not once at the end.
    expect(latencies.length).toBeGreaterThan(Math.min(20, took / 100));
    expect(Math.max(...latencies)).toBeLessThan(HEALTHZ_BOUND_MS);
  }, 300_000);
});
