/**
 * The mail queue over the real server (TCP), real SMTP, on the store DATABASE_URL selects
 * (issue 12 item 19): with a mail server that accepts the connection and never answers, renewals
 * still complete at once — their receipts wait in the queue — and the sends time out and are
 * retried with backoff; once the server answers, every mail arrives and the queue keeps no body.
 */
import { createServer, Socket as NetSocket, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import type { Customer, Product, Subscription } from '@dodo-portal/wire/schemas';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createNodemailerMailer } from '../mail/mailer.ts';
import { SandboxCards } from '../payments/sandbox.ts';
import { startTestSmtp, type TestSmtp } from '../testing/smtp.ts';
import { eventually, expectJson as json, sandboxCardToken, startServed, type Served } from '../testing/served.ts';

/**
 * An SMTP address that accepts connections and says nothing while `hanging`, and afterwards
 * forwards each new connection to the real test server.
 */
interface FlakySmtp {
  port: number;
  answer(): void;
  close(): Promise<void>;
}
async function hangingSmtp(target: TestSmtp): Promise<FlakySmtp> {
  let hanging = true;
  const held = new Set<Socket>();
  const server: Server = createServer((socket) => {
    socket.on('error', () => undefined);
    if (hanging) {
      held.add(socket);
      socket.on('close', () => held.delete(socket));
      return;
    }
    const upstream = new NetSocket();
    upstream.on('error', () => socket.destroy());
    upstream.connect(target.port, '127.0.0.1', () => {
      socket.pipe(upstream);
      upstream.pipe(socket);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    answer() {
      hanging = false;
      for (const socket of held) socket.destroy();
    },
    close: async () => {
      for (const socket of held) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

const N = 5;
let smtp: TestSmtp;
let flaky: FlakySmtp;
let s: Served;
let mailer: ReturnType<typeof createNodemailerMailer>;

beforeAll(async () => {
  smtp = await startTestSmtp();
  flaky = await hangingSmtp(smtp);
  mailer = createNodemailerMailer({ smtpUrl: `smtp://127.0.0.1:${flaky.port}`, from: 'Renew Co <billing@renew.test>', transport: { ignoreTLS: true } });
  // Short timeout and backoff so the test sees retries; the defaults are 15 s and 10 s, 1 min, ….
  s = await startServed({ mailer, mailQueue: { sendTimeoutMs: 1_000, retryScheduleMs: [300, 300, 300, 300, 300, 300, 300, 300, 300, 300] } });
});
afterAll(async () => {
  await s?.close();
  mailer?.close();
  await flaky?.close();
  await smtp?.close();
});

const receipts = () => s.server.store.db.selectFrom('mail_queue').selectAll().where('subject', 'like', 'Your receipt%').execute();

it('renews at once while the mail server hangs, retries the receipts with backoff, and delivers them once it answers', async () => {
  const key = s.business.keys.test;
  const plan = await json<Product>(await s.merchant(key, 'POST', '/v1/products', { name: 'Pro', billing_type: 'subscription', price: 900, currency: 'USD', interval: 'month' }), 201);
  const subscriptions: Subscription[] = [];
  for (let i = 0; i < N; i += 1) {
    const customer = await json<Customer>(await s.merchant(key, 'POST', '/v1/customers', { email: `renew${i}@example.com`, name: `Renew ${i}` }), 201);
    const cardToken = await sandboxCardToken(s, SandboxCards.succeeds);
    subscriptions.push(
      await json<Subscription>(await s.merchant(key, 'POST', '/v1/subscriptions', { customer_id: customer.customer_id, product_id: plan.product_id, card_token: cardToken }), 201),
    );
  }
  // The purchase confirmations hit the hanging server too; only the receipts are followed below.

  const advanced = await json<{ renewals: { renewed: number } }>(await s.merchant(key, 'POST', '/v1/test-clock/advance', { to: subscriptions[0]!.current_period_end }), 200);
  expect(advanced.renewals.renewed).toBe(N);
  // The advance answered before any receipt's first send could finish (each takes the 1-s
  // timeout against this server): the renewals did not wait for SMTP.
  const queued = await receipts();
  expect(queued).toHaveLength(N);
  expect(queued.every((row) => row.status === 'pending' && Number(row.attempts) === 0)).toBe(true);

  // Each send times out and is retried later, not dropped.
  const retried = await eventually(
    async () => {
      const rows = await receipts();
      return rows.every((row) => Number(row.attempts) >= 2) ? rows : undefined;
    },
    20_000,
    'two failed attempts per receipt',
  );
  for (const row of retried) {
    expect(row.status).toBe('pending');
    expect(row.last_error).toMatch(/within 1000 ms|timeout|Greeting/i);
    expect(row.next_attempt_at > row.created_at).toBe(true);
  }
  expect(smtp.received).toHaveLength(0);

  flaky.answer();
  const sent = await eventually(
    async () => {
      const rows = await receipts();
      return rows.every((row) => row.status === 'sent') ? rows : undefined;
    },
    20_000,
    'every receipt sent',
  );
  expect(sent.every((row) => row.delivered_via === 'smtp' && row.text_body === null && row.html_body === null)).toBe(true);
  const arrived = smtp.received.filter((mail) => mail.subject.startsWith('Your receipt'));
  expect(arrived.map((mail) => mail.to[0]).sort()).toEqual(Array.from({ length: N }, (_, i) => `renew${i}@example.com`).sort());
  expect(arrived[0]!.text).toContain('$9.00');
}, 60_000);
