/**
 * The load drill: autocannon at 50 connections against a real `dodo-portal serve` with a mixed
 * portal workload — invoice list, invoice detail, invoice PDF, plan-change preview and email
 * login — while a renewal run goes on in the background (the test clock is moved past the period
 * end mid-run, and that advance renews every subscription while the load goes on). Judged: no errors (every answer 2xx, no
 * socket error or timeout) and a generous bound on the server's resident memory growth (VmRSS
 * from /proc/<pid>/status, after a warm-up and at the end). Reported: req/s, p50, p99, renewals.
 */
import { readFileSync } from 'node:fs';
import autocannon from 'autocannon';
import type { Drill } from './drill.ts';
import { CARD, must } from './http.ts';
import { planLadder } from './fixtures.ts';
import { startDrillServer } from './serve.ts';

const CONNECTIONS = 50;
const SUBSCRIPTIONS = 10;
/** Generous: the figure is reported; only a leak-sized growth fails. */
const RSS_GROWTH_LIMIT_MB = 256;

const rssMb = (pid: number) => Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]) / 1024;

export const load: Drill = {
  name: 'load',
  async run({ full, store, databaseUrl, log }) {
    const failures: string[] = [];
    const server = await startDrillServer({ store, databaseUrl }, { TRUST_PROXY: '1', SCHEDULER_INTERVAL_MS: '500' });
    try {
      const { url } = server;
      const key = server.business.keys.test;
      const cardToken = async () => (await must<{ card_token: string }>(url, 201, null, 'POST', '/sandbox/v1/tokens', CARD)).card_token;
      const { basic, pro } = await planLadder(url, key);
      const subscriptions: string[] = [];
      for (let i = 0; i < SUBSCRIPTIONS; i += 1) {
        const customer = await must<{ customer_id: string }>(url, 201, key, 'POST', '/v1/customers', { email: `load${i}@drill.example`, name: `Load ${i}` });
        const subscription = await must<{ subscription_id: string; customer_id: string }>(url, 201, key, 'POST', '/v1/subscriptions', {
          customer_id: customer.customer_id,
          product_id: basic.product_id,
          card_token: await cardToken(),
        });
        subscriptions.push(subscription.subscription_id);
      }
      const first = await must<{ customer_id: string; current_period_end: string }>(url, 200, key, 'GET', `/v1/subscriptions/${subscriptions[0]}`);
      // The test clock to 12 h before the period ends (portal sessions live a day of that clock),
      // so that moving it 13 h during the load renews every subscription.
      await must(url, 200, key, 'POST', '/v1/test-clock/advance', { to: new Date(Date.parse(first.current_period_end) - 12 * 3600_000).toISOString() });
      const token = (await must<{ session_token: string }>(url, 201, key, 'POST', `/v1/customers/${first.customer_id}/customer-portal/session`, {})).session_token;
      const invoice = (await must<{ items: { invoice_id: string }[] }>(url, 200, token, 'GET', '/portal/v1/invoices')).items[0]!.invoice_id;

      const auth = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
      let client = 0;
      const requests: autocannon.Request[] = [
        { method: 'GET', path: '/portal/v1/invoices', headers: auth },
        { method: 'GET', path: `/portal/v1/invoices/${invoice}`, headers: auth },
        { method: 'GET', path: `/portal/v1/invoices/${invoice}/pdf`, headers: auth },
        { method: 'POST', path: `/portal/v1/subscriptions/${subscriptions[0]}/change-plan/preview`, headers: auth, body: JSON.stringify({ product_id: pro.product_id }) },
        {
          method: 'POST',
          path: '/portal/v1/login',
          headers: { 'content-type': 'application/json' },
          // Each login for its own address, from its own client: the per-IP and per-email limits are tested on their own.
          setupRequest: (request) => {
            client += 1;
            return {
              ...request,
              headers: { ...request.headers, 'x-forwarded-for': `10.${(client >> 16) & 255}.${(client >> 8) & 255}.${client & 255}` },
              body: JSON.stringify({ business_id: server.business.id, email: `someone${client}@drill.example`, mode: 'test' }),
            };
          },
        },
      ];
      // Warm-up (tsx compiles each route's modules on first use), then the baseline RSS.
      await autocannon({ url, connections: 10, amount: 250, requests });
      const rssBefore = rssMb(server.pid);
      const duration = full ? 60 : 5;
      const renewal = (async () => {
        await new Promise((resolve) => setTimeout(resolve, (duration * 1000) / 5));
        await must(url, 200, key, 'POST', '/v1/test-clock/advance', { seconds: 13 * 3600 });
      })();
      const result = await autocannon({ url, connections: CONNECTIONS, duration, requests });
      await renewal;
      const rssAfter = rssMb(server.pid);
      const payments = await Promise.all(
        subscriptions.map(
          async (id) =>
            (await must<{ items: { subscription_id: string | null; status: string }[] }>(url, 200, key, 'GET', `/v1/payments?limit=100`)).items.filter(
              (p) => p.subscription_id === id && p.status === 'succeeded',
            ).length,
        ),
      );
      const renewed = payments.filter((count) => count >= 2).length;

      const errors = result.errors + result.timeouts + result.non2xx;
      log('connections', CONNECTIONS);
      log('seconds_under_load', duration);
      log('requests', result.requests.total);
      log('req_per_s', Math.round(result.requests.average));
      log('p50_ms', result.latency.p50);
      log('p99_ms', result.latency.p99);
      log('errors', errors);
      log('renewed', `${renewed}/${SUBSCRIPTIONS}`);
      log('rss_mb_before', rssBefore.toFixed(0));
      log('rss_growth_mb', (rssAfter - rssBefore).toFixed(1));
      if (errors > 0) failures.push(`${result.non2xx} non-2xx, ${result.errors} socket errors, ${result.timeouts} timeouts (statuses ${JSON.stringify(result.statusCodeStats)})`);
      if (rssAfter - rssBefore > RSS_GROWTH_LIMIT_MB) failures.push(`RSS grew ${(rssAfter - rssBefore).toFixed(0)} MB (limit ${RSS_GROWTH_LIMIT_MB})`);
      if (/unhandled error|scheduler pass failed/.test(server.stderr())) failures.push(`server log: ${server.stderr().slice(-2_000)}`);
    } finally {
      await server.stop();
    }
    return { failures };
  },
};
