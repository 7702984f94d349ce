import { readFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Dues, ErrorBody, Invoice, InvoicePage, Page, Payment, PortalPaymentMethod, Product, Subscription, SubscriptionPaymentMethodResult } from '@dodo-portal/wire/schemas';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../app.ts';
import { SandboxCards } from '../../payments/sandbox.ts';
import { createBusiness } from '../../services/businesses.ts';
import { createHarness, memoryLogger, TestClock, type Harness } from '../../testing/harness.ts';
import { sharedDatabaseBackends, type SharedDatabase } from '../../testing/shared-db.ts';
import { startTestSmtp, type TestSmtp } from '../../testing/smtp.ts';
import { serviceContext } from '../../runtime.ts';

let h: Harness;
let smtp: TestSmtp;
let key: string;
let plan: Product;
beforeAll(async () => {
  smtp = await startTestSmtp();
  h = await createHarness({ businessInput: { name: 'Bokhandeln' }, deps: { mailer: smtp.mailer } });
  key = h.business.keys.test;
  plan = await json<Product>(
    await h.merchant(key, 'POST', '/v1/products', { name: 'Läsklubb', billing_type: 'subscription', price: 19_920, currency: 'SEK', interval: 'month', tax_rate_bps: 2500 }),
    201,
  );
  await json(await h.merchant(key, 'POST', '/v1/webhook-endpoints', { url: 'http://127.0.0.1:9/hooks' }), 201);
});
afterAll(async () => {
  await h.close();
  await smtp.close();
});

async function json<T>(response: Response, status: number): Promise<T> {
  const text = await response.text();
  expect(response.status, text).toBe(status);
  return JSON.parse(text) as T;
}
const errorOf = async (response: Response) => ((await response.json()) as ErrorBody).error;
const token = async (number: string) =>
  (
    await json<{ card_token: string }>(
      await h.app.request('/sandbox/v1/tokens', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ number, exp_month: 12, exp_year: 2040, cvc: '123', name: 'Astrid L' }),
      }),
      201,
    )
  ).card_token;
const call = (session: string, method: string, path: string, body?: unknown, headers: Record<string, string> = {}) =>
  h.app.request(path, {
    method,
    headers: { authorization: `Bearer ${session}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
const clockNow = async () => (await json<{ now: string }>(await h.merchant(key, 'GET', '/v1/test-clock'), 200)).now;
const payments = async (customerId: string) => (await json<Page<Payment>>(await h.merchant(key, 'GET', `/v1/payments?customer_id=${customerId}`), 200)).items;
const invoices = async (customerId: string) => (await json<InvoicePage>(await h.merchant(key, 'GET', `/v1/invoices?customer_id=${customerId}`), 200)).items;
const sandboxCharges = async () =>
  Number(
    (
      await h.store.db
        .selectFrom('sandbox_charges')
        .select((eb) => eb.fn.countAll().as('n'))
        .executeTakeFirstOrThrow()
    ).n,
  );
const events = async (type: string, id: string) =>
  (await h.store.db.selectFrom('webhook_deliveries').select('payload').where('event_type', '=', type).execute())
    .map((row) => JSON.parse(row.payload) as { data: { subscription_id?: string; payment_id?: string; status?: string } })
    .filter((event) => event.data.subscription_id === id);
const addCard = async (session: string, number: string) => json<PortalPaymentMethod>(await call(session, 'POST', '/portal/v1/payment-methods', { card_token: await token(number) }), 201);
const pay = (session: string, subscriptionId: string, paymentMethodId: string, idempotencyKey?: string) =>
  call(session, 'POST', `/portal/v1/subscriptions/${subscriptionId}/payment-method`, { payment_method_id: paymentMethodId }, idempotencyKey ? { 'idempotency-key': idempotencyKey } : {});

/** The emails `to` received since `since`, once `count` of them arrived. */
async function mailsTo(to: string, since: number, count: number) {
  const deadline = Date.now() + 5_000;
  for (;;) {
    const mine = smtp.received.slice(since).filter((mail) => mail.to.includes(to));
    if (mine.length >= count || Date.now() > deadline) return mine;
    await smtp.waitFor(smtp.received.length + 1, 200).catch(() => undefined);
  }
}
// Intl writes "249,00 kr" with a no-break space.
const plain = (text: string) => text.replace(/\s+/g, ' ');

/** A Swedish customer whose renewal on `4000000000000341` declined: the subscription is on hold. */
async function onHold() {
  const customer = await h.createCustomer(key, { name: 'Astrid', locale: 'sv-SE' });
  // The first period is paid with a good card; the renewal then meets the failing one.
  const subscription = await json<Subscription>(
    await h.merchant(key, 'POST', '/v1/subscriptions', { customer_id: customer.customer_id, product_id: plan.product_id, card_token: await token(SandboxCards.succeeds) }),
    201,
  );
  await json(await h.merchant(key, 'PATCH', `/v1/subscriptions/${subscription.subscription_id}`, { card_token: await token(SandboxCards.attachesThenDeclines) }), 200);
  const before = smtp.received.length;
  await h.advanceTestClock(key, subscription.current_period_end);
  const held = await json<Subscription>(await h.merchant(key, 'GET', `/v1/subscriptions/${subscription.subscription_id}`), 200);
  expect(held.status).toBe('on_hold');
  // (The advance also renews earlier tests' subscriptions: their receipts go to their customers.)
  const [mail] = await mailsTo(customer.email, before, 1);
  expect(mail!.subject).toBe('Ditt abonnemang Läsklubb hos Bokhandeln är pausat');
  const session = (await h.createSession(key, customer.customer_id)).session_token;
  return { customer, subscription: held, session };
}

describe('on-hold recovery', () => {
  it('shows the dues, keeps the subscription on hold after a decline, then pays once with a good card and reactivates it', async () => {
    const { customer, subscription, session } = await onHold();
    const id = subscription.subscription_id;
    const [open] = (await invoices(customer.customer_id)) as [Invoice];
    expect(open).toMatchObject({ status: 'open', subscription_id: id, total: 24_900 }); // 199,20 kr + 25 % moms
    const dues = await json<Dues>(await call(session, 'GET', `/portal/v1/subscriptions/${id}/dues`), 200);
    expect(dues).toEqual({ amount: 24_900, currency: 'SEK', invoice_ids: [open.invoice_id] });

    // 1. A declined card: 402 with the decline code; still on hold, on its old card, one failed payment more.
    // (`…0341` passes the verification when saved and is declined when charged; `…0002` is never saved.)
    const declining = await addCard(session, SandboxCards.attachesThenDeclines);
    const chargesBefore = await sandboxCharges();
    const mailBefore = smtp.received.length;
    const declined = await pay(session, id, declining.payment_method_id, 'attempt-1');
    expect(declined.status).toBe(402);
    expect(await errorOf(declined)).toMatchObject({ code: 'payment_failed', decline_code: 'card_declined' });
    const still = await json<Subscription>(await h.merchant(key, 'GET', `/v1/subscriptions/${id}`), 200);
    expect(still).toEqual(subscription);
    const failed = (await payments(customer.customer_id)).filter((payment) => payment.status === 'failed');
    expect(failed.map((payment) => [payment.amount, payment.decline_code, payment.card?.last4, payment.subscription_id, payment.invoice_id])).toEqual([
      [24_900, 'card_declined', '0341', id, open.invoice_id],
      [24_900, 'card_declined', '0341', id, open.invoice_id],
    ]);
    expect(await json<Dues>(await call(session, 'GET', `/portal/v1/subscriptions/${id}/dues`), 200)).toEqual(dues);
    expect((await invoices(customer.customer_id))[0]).toMatchObject({ invoice_id: open.invoice_id, status: 'open' });
    expect(await sandboxCharges()).toBe(chargesBefore);
    expect(smtp.received.length).toBe(mailBefore);
    expect(await events('subscription.active', id)).toHaveLength(1); // the creation's only

    // 2. A good card: one charge of the dues, a paid invoice, the old one void, active with a future billing date.
    const visa = await addCard(session, SandboxCards.succeeds);
    const paidAt = await clockNow();
    const result = await json<SubscriptionPaymentMethodResult>(await pay(session, id, visa.payment_method_id, 'attempt-2'), 200);
    expect(await sandboxCharges()).toBe(chargesBefore + 1);
    expect(result.subscription).toMatchObject({
      subscription_id: id,
      status: 'active',
      current_period_start: paidAt,
      payment_method: { payment_method_id: visa.payment_method_id, last4: '4242' },
    });
    expect(result.subscription.next_billing_date).toBe(result.subscription.current_period_end);
    expect(Date.parse(result.subscription.current_period_end)).toBeGreaterThan(Date.parse(paidAt));
    // A month from the payment (docs/billing.md, "Reactivation").
    const end = new Date(paidAt);
    end.setUTCMonth(end.getUTCMonth() + 1);
    expect(result.subscription.current_period_end).toBe(end.toISOString());
    expect(result.payment).toMatchObject({ status: 'succeeded', amount: 24_900, currency: 'SEK', subscription_id: id, invoice_id: result.invoice!.invoice_id, card: { last4: '4242' } });
    expect(result.invoice).toMatchObject({
      status: 'paid',
      total: 24_900,
      subtotal: 19_920,
      tax: 4980,
      paid_at: paidAt,
      subscription_id: id,
      line_items: [{ quantity: 1, unit_amount: 19_920, amount: 19_920, period: { start: paidAt, end: end.toISOString() } }],
    });
    expect((await invoices(customer.customer_id)).find((invoice) => invoice.invoice_id === open.invoice_id)?.status).toBe('void');
    expect(await json<Dues>(await call(session, 'GET', `/portal/v1/subscriptions/${id}/dues`), 200)).toEqual({ amount: 0, currency: 'SEK', invoice_ids: [] });
    const succeeded = (await payments(customer.customer_id)).filter((payment) => payment.status === 'succeeded' && payment.invoice_id === result.invoice!.invoice_id);
    expect(succeeded).toHaveLength(1);

    // Its invoice downloads as a PDF from the portal.
    const pdf = await call(session, 'GET', `/portal/v1/invoices/${result.invoice!.invoice_id}/pdf`);
    expect(pdf.status).toBe(200);
    expect(pdf.headers.get('content-type')).toBe('application/pdf');
    expect(
      Buffer.from(await pdf.arrayBuffer())
        .subarray(0, 5)
        .toString('latin1'),
    ).toBe('%PDF-');

    // Both emails, in Swedish, over SMTP.
    const mails = await mailsTo(customer.email, mailBefore, 2);
    expect(mails.map((mail) => [mail.to, plain(mail.subject)])).toEqual([
      [[customer.email], 'Ditt kvitto från Bokhandeln: 249,00 kr'],
      [[customer.email], 'Ditt abonnemang Läsklubb hos Bokhandeln är aktivt igen'],
    ]);
    expect(mails[0]!.text).toContain(result.invoice!.number);
    expect(mails[1]!.text).toContain('Nästa betalning');

    // Webhooks: payment.succeeded, then subscription.active.
    expect(
      (await h.store.db.selectFrom('webhook_deliveries').select('payload').where('event_type', '=', 'payment.succeeded').execute()).map((row) => JSON.parse(row.payload).data.payment_id),
    ).toContain(result.payment!.payment_id);
    const active = await events('subscription.active', id);
    expect(active).toHaveLength(2);
    expect(active[1]!.data.status).toBe('active');

    // A retry with the same key replays; a new key finds it active and charges nothing.
    const replay = await pay(session, id, visa.payment_method_id, 'attempt-2');
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    expect(await json<SubscriptionPaymentMethodResult>(replay, 200)).toEqual(result);
    const again = await json<SubscriptionPaymentMethodResult>(await pay(session, id, visa.payment_method_id, 'attempt-3'), 200);
    expect(again).toMatchObject({ payment: null, invoice: null, subscription: { status: 'active', current_period_end: result.subscription.current_period_end } });
    expect(await sandboxCharges()).toBe(chargesBefore + 1);
    expect(smtp.received.length).toBe(mailBefore + 2);

    // The renewal engine carries on from the new period.
    await h.advanceTestClock(key, result.subscription.current_period_end);
    const renewed = await json<Subscription>(await h.merchant(key, 'GET', `/v1/subscriptions/${id}`), 200);
    expect(renewed).toMatchObject({ status: 'active', current_period_start: result.subscription.current_period_end });
    expect((await invoices(customer.customer_id))[0]).toMatchObject({ status: 'paid', total: 24_900, issued_at: result.subscription.current_period_end });
  });

  it('charges once when ten requests race (double clicks, two tabs, retries with and without a key)', async () => {
    const { customer, subscription, session } = await onHold();
    const id = subscription.subscription_id;
    const visa = await addCard(session, SandboxCards.succeeds);
    const chargesBefore = await sandboxCharges();
    const keys = ['tab-a', 'tab-a', 'tab-a', 'tab-b', 'tab-b', undefined, undefined, 'tab-c', 'tab-d', undefined];
    const responses = await Promise.all(keys.map((idempotencyKey) => pay(session, id, visa.payment_method_id, idempotencyKey)));
    const answers = await Promise.all(responses.map(async (response) => ({ status: response.status, body: (await response.json()) as SubscriptionPaymentMethodResult & ErrorBody })));

    expect(await sandboxCharges()).toBe(chargesBefore + 1);
    for (const answer of answers) {
      expect([200, 409], JSON.stringify(answer)).toContain(answer.status);
      if (answer.status === 409) expect(['charge_in_progress', 'idempotency_key_in_progress']).toContain(answer.body.error.code);
    }
    const charged = new Set(answers.flatMap((answer) => (answer.status === 200 && answer.body.payment ? [answer.body.payment.payment_id] : [])));
    expect(charged.size).toBe(1);
    expect(answers.filter((answer) => answer.status === 200 && answer.body.payment)).toHaveLength(1);
    const succeeded = (await payments(customer.customer_id)).filter((payment) => payment.status === 'succeeded' && payment.subscription_id === id);
    expect(succeeded.map((payment) => payment.payment_id)).toContain([...charged][0]);
    expect(succeeded).toHaveLength(2); // the first period's and the dues
    expect((await json<Subscription>(await h.merchant(key, 'GET', `/v1/subscriptions/${id}`), 200)).status).toBe('active');
    expect((await invoices(customer.customer_id)).map((invoice) => invoice.status)).toEqual(['paid', 'void', 'paid']);
  });

  it('answers for what the subscription is: ended ones refuse, strangers get 404, bad bodies 400', async () => {
    const { subscription, session } = await onHold();
    const stranger = (await h.createSession(key, (await h.createCustomer(key)).customer_id)).session_token;
    expect((await call(stranger, 'GET', `/portal/v1/subscriptions/${subscription.subscription_id}/dues`)).status).toBe(404);
    expect((await pay(stranger, subscription.subscription_id, subscription.payment_method!.payment_method_id)).status).toBe(404);
    expect((await call(session, 'GET', '/portal/v1/subscriptions/sub_nope/dues')).status).toBe(404);
    const noJson = await h.app.request(`/portal/v1/subscriptions/${subscription.subscription_id}/payment-method`, {
      method: 'POST',
      headers: { authorization: `Bearer ${session}` },
      body: 'x',
    });
    expect(noJson.status).toBe(415);
    expect((await call(session, 'POST', `/portal/v1/subscriptions/${subscription.subscription_id}/payment-method`, { payment_method_id: 1 })).status).toBe(400);

    // A subscription that ended has no dues and takes no card.
    const customer = await h.createCustomer(key);
    const ending = await json<Subscription>(
      await h.merchant(key, 'POST', '/v1/subscriptions', { customer_id: customer.customer_id, product_id: plan.product_id, card_token: await token(SandboxCards.succeeds) }),
      201,
    );
    await json(await h.merchant(key, 'PATCH', `/v1/subscriptions/${ending.subscription_id}`, { cancel_at_period_end: true }), 200);
    await h.advanceTestClock(key, ending.current_period_end);
    const own = (await h.createSession(key, customer.customer_id)).session_token;
    expect(await json<Dues>(await call(own, 'GET', `/portal/v1/subscriptions/${ending.subscription_id}/dues`), 200)).toEqual({ amount: 0, currency: 'SEK', invoice_ids: [] });
    const refused = await pay(own, ending.subscription_id, ending.payment_method!.payment_method_id);
    expect(refused.status).toBe(409);
    expect((await errorOf(refused)).code).toBe('subscription_ended');
  });

  it('moves the plan lines to the new period and keeps usage billed in arrears on its own period', async () => {
    const metered = await json<Product>(
      await h.merchant(key, 'POST', '/v1/products', {
        name: 'Lån',
        billing_type: 'usage_based',
        price: 5000,
        currency: 'SEK',
        interval: 'month',
        usage: { meter: 'books', unit_price: 700 },
      }),
      201,
    );
    const customer = await h.createCustomer(key, { locale: 'sv-SE' });
    const created = await json<Subscription>(
      await h.merchant(key, 'POST', '/v1/subscriptions', { customer_id: customer.customer_id, product_id: metered.product_id, card_token: await token(SandboxCards.succeeds) }),
      201,
    );
    await json(await h.merchant(key, 'POST', '/v1/usage-events', { subscription_id: created.subscription_id, meter: 'books', quantity: 3, event_id: 'lan-1' }), 201);
    await json(await h.merchant(key, 'PATCH', `/v1/subscriptions/${created.subscription_id}`, { card_token: await token(SandboxCards.attachesThenDeclines) }), 200);
    await h.advanceTestClock(key, created.current_period_end);
    await h.advanceTestClock(key, 3 * 86_400_000); // paid three days into the hold
    const paidAt = await clockNow();
    const session = (await h.createSession(key, customer.customer_id)).session_token;
    const dues = await json<Dues>(await call(session, 'GET', `/portal/v1/subscriptions/${created.subscription_id}/dues`), 200);
    expect(dues.amount).toBe(5000 + 3 * 700);
    const visa = await addCard(session, SandboxCards.succeeds);
    const result = await json<SubscriptionPaymentMethodResult>(await pay(session, created.subscription_id, visa.payment_method_id), 200);
    expect(result.subscription.current_period_start).toBe(paidAt);
    expect(result.invoice!.total).toBe(dues.amount);
    expect(result.invoice!.line_items.map((line) => [line.description, line.amount, line.period])).toEqual([
      ['Lån (every month)', 5000, { start: paidAt, end: result.subscription.current_period_end }],
      ['Lån: books', 2100, { start: created.current_period_start, end: created.current_period_end }],
    ]);
  });

  it('leaves no card number in the database file or the log', async () => {
    const numbers = Object.values(SandboxCards);
    const file = h.store.location;
    const bytes = Buffer.concat([file, `${file}-wal`].filter((path) => existsSync(path)).map((path) => readFileSync(path)));
    expect(bytes.length).toBeGreaterThan(0);
    for (const number of numbers) {
      expect(bytes.includes(Buffer.from(number, 'latin1')), number).toBe(false);
      expect(bytes.includes(Buffer.from(number, 'utf16le')), number).toBe(false);
    }
    const logged = JSON.stringify(h.logger.entries);
    for (const number of numbers) expect(logged.includes(number), number).toBe(false);
  });
});

type App = ReturnType<typeof createApp>;

describe.each(sharedDatabaseBackends())('on-hold recovery racing on %s, two app instances', (_dialect, open) => {
  let shared: SharedDatabase;
  let apps: [App, App];
  let merchantKey: string;
  let productId: string;
  beforeAll(async () => {
    shared = await open();
    const clock = new TestClock();
    apps = shared.stores.map((store) => createApp({ store, clock, publicUrl: 'https://portal.test', logger: memoryLogger(), cdnScriptPath: join(tmpdir(), 'no-bundle.js') })) as [App, App];
    merchantKey = (await createBusiness(serviceContext(shared.stores[0], { clock }), { name: 'Race Co' })).apiKeys.test;
    productId = (
      await json<Product>(await send(apps[0], merchantKey, 'POST', '/v1/products', { name: 'Pro', billing_type: 'subscription', price: 1000, currency: 'EUR', interval: 'month' }), 201)
    ).product_id;
  });
  afterAll(async () => shared?.cleanup());

  const send = (app: App, bearer: string, method: string, path: string, body?: unknown, headers: Record<string, string> = {}) =>
    app.request(path, {
      method,
      headers: { authorization: `Bearer ${bearer}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  const cardToken = async (number: string) =>
    (
      await json<{ card_token: string }>(
        await apps[0].request('/sandbox/v1/tokens', {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ number, exp_month: 12, exp_year: 2040, cvc: '123' }),
        }),
        201,
      )
    ).card_token;
  const charges = async () =>
    Number(
      (
        await shared.stores[1].db
          .selectFrom('sandbox_charges')
          .select((eb) => eb.fn.countAll().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );

  async function heldSubscription() {
    const customer = await json<{ customer_id: string }>(
      await send(apps[0], merchantKey, 'POST', '/v1/customers', { email: `race${Math.random().toString(36).slice(2)}@example.com`, name: 'Race' }),
      201,
    );
    const created = await json<Subscription>(
      await send(apps[0], merchantKey, 'POST', '/v1/subscriptions', { customer_id: customer.customer_id, product_id: productId, card_token: await cardToken(SandboxCards.succeeds) }),
      201,
    );
    await json(await send(apps[0], merchantKey, 'PATCH', `/v1/subscriptions/${created.subscription_id}`, { card_token: await cardToken(SandboxCards.attachesThenDeclines) }), 200);
    await json(await send(apps[1], merchantKey, 'POST', '/v1/test-clock/advance', { to: created.current_period_end }), 200);
    const session = (await json<{ session_token: string }>(await send(apps[0], merchantKey, 'POST', `/v1/customers/${customer.customer_id}/customer-portal/session`), 201)).session_token;
    return { id: created.subscription_id, session };
  }

  it('ten parallel reactivations over two instances charge once', async () => {
    const { id, session } = await heldSubscription();
    const card = await json<PortalPaymentMethod>(await send(apps[1], session, 'POST', '/portal/v1/payment-methods', { card_token: await cardToken(SandboxCards.succeeds) }), 201);
    const before = await charges();
    const keys = ['a', 'a', 'b', undefined, 'c', 'c', undefined, 'd', 'e', undefined];
    const responses = await Promise.all(
      keys.map((idempotencyKey, i) =>
        send(
          apps[i % 2]!,
          session,
          'POST',
          `/portal/v1/subscriptions/${id}/payment-method`,
          { payment_method_id: card.payment_method_id },
          idempotencyKey ? { 'idempotency-key': idempotencyKey } : {},
        ),
      ),
    );
    const bodies = await Promise.all(responses.map(async (response) => ({ status: response.status, body: (await response.json()) as SubscriptionPaymentMethodResult })));
    expect(await charges()).toBe(before + 1);
    expect(
      bodies.every((answer) => answer.status === 200 || answer.status === 409),
      JSON.stringify(bodies),
    ).toBe(true);
    expect(bodies.filter((answer) => answer.status === 200 && answer.body.payment)).toHaveLength(1);
    expect((await json<Subscription>(await send(apps[0], merchantKey, 'GET', `/v1/subscriptions/${id}`), 200)).status).toBe('active');
  });

  it('two parallel removals of the two cards of a subscription: one goes, the other is refused', async () => {
    const { id, session } = await heldSubscription();
    const current = (await json<Subscription>(await send(apps[0], merchantKey, 'GET', `/v1/subscriptions/${id}`), 200)).payment_method!.payment_method_id;
    // Keep only the subscription's card (the first period's card was saved too), then add one.
    for (const method of (await json<{ items: PortalPaymentMethod[] }>(await send(apps[0], session, 'GET', '/portal/v1/payment-methods'), 200)).items) {
      if (method.payment_method_id !== current) expect((await send(apps[0], session, 'DELETE', `/portal/v1/payment-methods/${method.payment_method_id}`)).status).toBe(204);
    }
    const spare = await json<PortalPaymentMethod>(await send(apps[1], session, 'POST', '/portal/v1/payment-methods', { card_token: await cardToken(SandboxCards.succeeds) }), 201);
    // Removing the subscription's card names the spare as its replacement; the spare is removed at once.
    const responses = await Promise.all([
      send(apps[0], session, 'DELETE', `/portal/v1/payment-methods/${current}`, { replacements: { [id]: spare.payment_method_id } }),
      send(apps[1], session, 'DELETE', `/portal/v1/payment-methods/${spare.payment_method_id}`),
    ]);
    // Whichever runs second sees the first: the spare now pays (409), or the replacement is gone (400).
    const statuses = responses.map((response) => response.status).sort();
    expect(statuses[0]).toBe(204);
    expect([400, 409]).toContain(statuses[1]);
    const left = await json<{ items: PortalPaymentMethod[] }>(await send(apps[0], session, 'GET', '/portal/v1/payment-methods'), 200);
    expect(left.items).toHaveLength(1);
    expect(left.items[0]!.subscription_ids).toEqual([id]);
    expect((await json<Subscription>(await send(apps[1], merchantKey, 'GET', `/v1/subscriptions/${id}`), 200)).payment_method?.payment_method_id).toBe(left.items[0]!.payment_method_id);
  });
});
