/**
 * `POST /portal/v1/login` must not tell a known email from an unknown one by time (issue 12 item
 * 17): not by its own answer, and not by the request that comes right after it (the lookup,
 * link and email used to run on the event loop just after the answer). Over the real server
 * (TCP) with real SMTP: a few hundred logins, known and unknown interleaved in random order, each
 * followed at once by a portal request; a Welch t-test on each group's latencies must find no
 * difference (|z| < 4). Known logins must really be sent (else the test proves nothing).
 */
import type { Customer, PortalSession } from '@dodo-portal/wire/schemas';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startTestSmtp, type TestSmtp } from '../../testing/smtp.ts';
import { eventually, startServed, type Served } from '../../testing/served.ts';

const PAIRS = 300;
const WARM_UP = 20;
/** The per-email limit allows 5 logins per 15 min: spread known logins over this many customers. */
const KNOWN_CUSTOMERS = Math.ceil((PAIRS + WARM_UP) / 2 / 5) + 1;

let smtp: TestSmtp;
let s: Served;
beforeAll(async () => {
  smtp = await startTestSmtp();
  // trustProxy: each login comes "from" its own address (X-Forwarded-For), under the per-IP limit.
  s = await startServed({ mailer: smtp.mailer, trustProxy: true });
});
afterAll(async () => {
  await s?.close();
  await smtp?.close();
});

/** Mulberry32: a fixed order, the same every run. */
function seeded(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function welchZ(a: number[], b: number[]): number {
  const mean = (xs: number[]) => xs.reduce((sum, x) => sum + x, 0) / xs.length;
  const variance = (xs: number[], m: number) => xs.reduce((sum, x) => sum + (x - m) ** 2, 0) / (xs.length - 1);
  const ma = mean(a);
  const mb = mean(b);
  return (ma - mb) / Math.sqrt(variance(a, ma) / a.length + variance(b, mb) / b.length);
}

it('answers a known and an unknown email in the same time, and so does the next request', async () => {
  const key = s.business.keys.test;
  const known: string[] = [];
  for (let i = 0; i < KNOWN_CUSTOMERS; i += 1) {
    const response = await s.merchant(key, 'POST', '/v1/customers', { email: `known${i}@example.com`, name: `Known ${i}` });
    expect(response.status).toBe(201);
    known.push(((await response.json()) as Customer).email);
  }
  const bystander = (await (await s.merchant(key, 'POST', '/v1/customers', { email: 'bystander@example.com', name: 'B' })).json()) as Customer;
  const session = (await (await s.merchant(key, 'POST', `/v1/customers/${bystander.customer_id}/customer-portal/session`)).json()) as PortalSession;

  const random = seeded(12);
  const labels = Array.from({ length: PAIRS + WARM_UP }, (_, i) => (i % 2 === 0 ? 'known' : 'unknown') as 'known' | 'unknown');
  for (let i = labels.length - 1; i > 0; i -= 1) {
    const j = Math.floor(random() * (i + 1));
    [labels[i], labels[j]] = [labels[j]!, labels[i]!];
  }

  const login = { known: [] as number[], unknown: [] as number[] };
  const next = { known: [] as number[], unknown: [] as number[] };
  let knownIndex = 0;
  for (let i = 0; i < labels.length; i += 1) {
    const label = labels[i]!;
    const email = label === 'known' ? known[knownIndex++ % known.length]! : `nobody${i}@example.com`;
    const t0 = performance.now();
    const answer = await fetch(`${s.url}/portal/v1/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-forwarded-for': `198.51.${Math.floor(i / 250)}.${i % 250}` },
      body: JSON.stringify({ business_id: s.business.id, email, mode: 'test' }),
    });
    await answer.arrayBuffer();
    const t1 = performance.now();
    const after = await fetch(`${s.url}/portal/v1/session`, { headers: { authorization: `Bearer ${session.session_token}` } });
    await after.arrayBuffer();
    const t2 = performance.now();
    expect([answer.status, after.status]).toEqual([202, 200]);
    if (i < WARM_UP) continue;
    login[label].push(t1 - t0);
    next[label].push(t2 - t1);
  }

  const zLogin = welchZ(login.known, login.unknown);
  const zNext = welchZ(next.known, next.unknown);
  expect(Math.abs(zLogin), `login z = ${zLogin.toFixed(2)}`).toBeLessThan(4);
  expect(Math.abs(zNext), `next request z = ${zNext.toFixed(2)}`).toBeLessThan(4);

  // The known logins were real: each of those customers got its sign-in emails; nobody else did.
  const expected = labels.filter((label) => label === 'known').length;
  await eventually(async () => (smtp.received.length >= expected ? true : undefined), 20_000, `${expected} sign-in emails`);
  expect(smtp.received.every((mail) => mail.to[0]!.startsWith('known'))).toBe(true);
}, 60_000);
