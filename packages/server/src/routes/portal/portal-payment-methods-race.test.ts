/**
 * One saved card removed by many requests at once, through a real server over TCP on each store:
 * one removal wins (204), every other one finds the card gone (404) — never a 500 from a deadlock
 * or a busy database. The card pays no subscription, so only the locking is under test.
 */
import type { PortalPaymentMethod } from '@dodo-portal/wire/schemas';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SandboxCards } from '../../payments/sandbox.ts';
import { sandboxCardToken, servedBackends, type Served } from '../../testing/served.ts';

const BURSTS = Number(process.env.BURSTS ?? 10);
const PARALLEL = 20;

describe.each(servedBackends())('concurrent removal of one card over TCP (%s)', (_name, start) => {
  let t: Served;
  let key: string;

  beforeAll(async () => {
    // trustProxy: each card token comes "from" its own address, under the per-IP token limit.
    t = await start({ trustProxy: true });
    key = t.business.keys.test;
  });
  afterAll(async () => t?.close());

  it(`${PARALLEL} simultaneous DELETEs of one card: one 204, the rest 404, in each of ${BURSTS} bursts`, async () => {
    for (let burst = 0; burst < BURSTS; burst += 1) {
      const customer = await t.expect<{ customer_id: string }>(201, key, 'POST', '/v1/customers', { email: `cards${burst}@example.com`, name: `Cards ${burst}` });
      const session = (await t.expect<{ session_token: string }>(201, key, 'POST', `/v1/customers/${customer.customer_id}/customer-portal/session`)).session_token;
      // Three cards, so a removal locks several rows (the default moves when the target was it).
      const cards: PortalPaymentMethod[] = [];
      for (const number of [SandboxCards.succeeds, SandboxCards.mastercardSucceeds, SandboxCards.succeeds]) {
        const response = await t.call(session, 'POST', '/portal/v1/payment-methods', { card_token: await sandboxCardToken(t, number) });
        expect(response.status, await response.clone().text()).toBe(201);
        cards.push((await response.json()) as PortalPaymentMethod);
      }
      const target = cards[burst % cards.length]!;
      const responses = await Promise.all(Array.from({ length: PARALLEL }, () => t.call(session, 'DELETE', `/portal/v1/payment-methods/${target.payment_method_id}`)));
      const statuses = responses.map((response) => response.status);
      await Promise.all(responses.map((response) => response.arrayBuffer()));
      expect(
        statuses.filter((status) => status === 204),
        JSON.stringify(statuses),
      ).toHaveLength(1);
      expect(
        statuses.filter((status) => status === 404),
        JSON.stringify(statuses),
      ).toHaveLength(PARALLEL - 1);

      const left = await t.server.store.db.selectFrom('payment_methods').select(['id', 'is_default']).where('customer_id', '=', customer.customer_id).execute();
      expect(left.map((row) => row.id).sort()).toEqual(
        cards
          .filter((card) => card !== target)
          .map((card) => card.payment_method_id)
          .sort(),
      );
      expect(left.filter((row) => Number(row.is_default) === 1)).toHaveLength(1);
    }
    expect(t.logger.entries.filter((entry) => entry.level === 'error')).toEqual([]);
  }, 120_000);
});
