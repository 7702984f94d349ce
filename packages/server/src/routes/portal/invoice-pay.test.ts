/**
 * `POST /portal/v1/invoices/{id}/pay` through the real server (startServer) over TCP, two server
 * instances over one database, on SQLite and (with DATABASE_URL) PostgreSQL.
 */
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ErrorBody, Invoice, InvoicePage, Page, Payment, PayInvoiceResult, PortalPaymentMethod, PortalPaymentMethodList, Product, Subscription } from '@dodo-portal/wire/schemas';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SandboxCards } from '../../payments/sandbox.ts';
import { TestClock } from '../../testing/harness.ts';
import { expectJson as json, startServed, type Served } from '../../testing/served.ts';
import { sharedDatabaseBackends, type SharedDatabase } from '../../testing/shared-db.ts';
import { startTestSmtp, type TestSmtp } from '../../testing/smtp.ts';

describe.each(sharedDatabaseBackends())('paying an open invoice from the portal on %s, two servers over TCP', (_dialect, open) => {
  let shared: SharedDatabase;
  let smtp: TestSmtp;
  let servers: [Served, Served];
  let key: string;
  let plan: Product;

  beforeAll(async () => {
    shared = await open();
    smtp = await startTestSmtp();
    const clock = new TestClock();
    // Each instance over its side of the shared database (`shared.cleanup` closes both stores);
    // the test works with the business of instance 0 on both.
    servers = (await Promise.all(
      shared.stores.map((store) =>
        startServed({
          openStore: async () => ({ store, cleanup: async () => undefined }),
          clock,
          mailer: smtp.mailer,
          cdnScriptPath: join(tmpdir(), 'no-bundle.js'),
          businessInput: { name: 'Kaffebaren' },
        }),
      ),
    )) as [Served, Served];
    key = servers[0].business.keys.test;
    await json(await send(0, key, 'POST', '/v1/webhook-endpoints', { url: 'http://127.0.0.1:9/hooks' }), 201);
    plan = await json<Product>(await send(0, key, 'POST', '/v1/products', { name: 'Bönor', billing_type: 'subscription', price: 1000, currency: 'EUR', interval: 'month' }), 201);
  });
  afterAll(async () => {
    await Promise.all((servers ?? []).map((server) => server.close()));
    await smtp?.close();
    await shared?.cleanup();
  });

  const send = (instance: number, bearer: string | null, method: string, path: string, body?: unknown, headers: Record<string, string> = {}) =>
    servers[instance]!.call(bearer, method, path, body, headers);
  const cardToken = async (number: string) =>
    (await json<{ card_token: string }>(await send(0, null, 'POST', '/sandbox/v1/tokens', { number, exp_month: 12, exp_year: 2040, cvc: '123' }), 201)).card_token;
  const db = () => shared.stores[1].db;
  const charges = async () =>
    Number(
      (
        await db()
          .selectFrom('sandbox_charges')
          .select((eb) => eb.fn.countAll().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );
  const paymentEvents = async (paymentId: string) =>
    (await db().selectFrom('webhook_deliveries').select(['event_type', 'payload']).where('event_type', 'like', 'payment.%').execute())
      .filter((row) => (JSON.parse(row.payload) as { data: { payment_id?: string } }).data.payment_id === paymentId)
      .map((row) => row.event_type);
  const activeEventsOf = async (subscriptionId: string) =>
    (await db().selectFrom('webhook_deliveries').select('payload').where('event_type', '=', 'subscription.active').execute()).filter(
      (row) => (JSON.parse(row.payload) as { data: { subscription_id?: string } }).data.subscription_id === subscriptionId,
    );
  const errorOf = async (response: Response, status: number) => (await json<ErrorBody>(response, status)).error;

  /** A customer with a session, a saved card of `number`, and an open invoice of 12,34 € + 25 %. */
  async function customerWithOpenInvoice(number: string = SandboxCards.succeeds) {
    const email = `kund${Math.random().toString(36).slice(2)}@example.com`;
    const customer = await json<{ customer_id: string; email: string }>(await send(0, key, 'POST', '/v1/customers', { email, name: 'Kund' }), 201);
    const invoice = await json<Invoice>(
      await send(0, key, 'POST', '/v1/invoices', {
        customer_id: customer.customer_id,
        currency: 'EUR',
        tax_rate_bps: 2500,
        status: 'open',
        line_items: [{ description: 'Espresso beans', quantity: 2, unit_amount: 617 }],
      }),
      201,
    );
    const session = (await json<{ session_token: string }>(await send(0, key, 'POST', `/v1/customers/${customer.customer_id}/customer-portal/session`), 201)).session_token;
    const card = await json<PortalPaymentMethod>(await send(1, session, 'POST', '/portal/v1/payment-methods', { card_token: await cardToken(number) }), 201);
    return { customer, invoice, session, card };
  }
  const pay = (instance: number, session: string, invoiceId: string, body: unknown, idempotencyKey?: string) =>
    send(instance, session, 'POST', `/portal/v1/invoices/${invoiceId}/pay`, body, idempotencyKey ? { 'idempotency-key': idempotencyKey } : {});

  it('charges the invoice total once with the chosen card: invoice paid, payment recorded, payment.succeeded, a receipt', async () => {
    const { customer, invoice, session, card } = await customerWithOpenInvoice();
    expect(invoice).toMatchObject({ status: 'open', total: 1543 });
    const before = await charges();
    const mails = smtp.received.length;
    const result = await json<PayInvoiceResult>(await pay(0, session, invoice.invoice_id, { payment_method_id: card.payment_method_id }), 200);
    expect(await charges()).toBe(before + 1);
    expect(result.replaced_invoice_id).toBeNull();
    expect(result.invoice).toMatchObject({ invoice_id: invoice.invoice_id, status: 'paid', total: 1543 });
    expect(result.invoice.paid_at).not.toBeNull();
    expect(result.payment).toMatchObject({ status: 'succeeded', amount: 1543, currency: 'EUR', invoice_id: invoice.invoice_id, customer_id: customer.customer_id });
    expect(result.payment!.card?.last4).toBe(card.last4);
    expect(await paymentEvents(result.payment!.payment_id)).toEqual(['payment.succeeded']);
    // The portal shows it paid too.
    const listed = await json<InvoicePage>(await send(1, session, 'GET', '/portal/v1/invoices'), 200);
    expect(listed.items.find((item) => item.invoice_id === invoice.invoice_id)?.status).toBe('paid');
    await smtp.waitFor(mails + 1, 5_000);
    const receipt = smtp.received.slice(mails).find((mail) => mail.to.includes(customer.email));
    expect(receipt?.subject).toMatch(/receipt from Kaffebaren/);
    expect(receipt?.text).toContain(invoice.number);

    // Paid now: nothing more to pay.
    expect(await errorOf(await pay(1, session, invoice.invoice_id, { payment_method_id: card.payment_method_id }), 409)).toMatchObject({ code: 'invoice_not_open' });
    expect(await charges()).toBe(before + 1);
  });

  it('a decline answers 402 payment_failed with the decline code and leaves the invoice open', async () => {
    const { customer, invoice, session, card } = await customerWithOpenInvoice(SandboxCards.attachesThenDeclines);
    const declined = await errorOf(await pay(0, session, invoice.invoice_id, { payment_method_id: card.payment_method_id }), 402);
    expect(declined).toMatchObject({ code: 'payment_failed', decline_code: 'card_declined' });
    expect((await json<Invoice>(await send(1, session, 'GET', `/portal/v1/invoices/${invoice.invoice_id}`), 200)).status).toBe('open');
    const [failed] = (await json<Page<Payment>>(await send(0, key, 'GET', `/v1/payments?customer_id=${customer.customer_id}`), 200)).items;
    expect(failed).toMatchObject({ status: 'failed', decline_code: 'card_declined', amount: 1543, invoice_id: invoice.invoice_id });
    expect(await paymentEvents(failed!.payment_id)).toEqual(['payment.failed']);
    // The lease was given back: a good card pays it.
    const good = await json<PortalPaymentMethod>(await send(1, session, 'POST', '/portal/v1/payment-methods', { card_token: await cardToken(SandboxCards.succeeds) }), 201);
    expect((await json<PayInvoiceResult>(await pay(1, session, invoice.invoice_id, { payment_method_id: good.payment_method_id }), 200)).invoice.status).toBe('paid');
  });

  it('a card_token is saved as a card first, then charged', async () => {
    const { invoice, session } = await customerWithOpenInvoice();
    const result = await json<PayInvoiceResult>(await pay(0, session, invoice.invoice_id, { card_token: await cardToken(SandboxCards.mastercardSucceeds) }), 200);
    const saved = (await json<PortalPaymentMethodList>(await send(1, session, 'GET', '/portal/v1/payment-methods'), 200)).items;
    const mastercard = saved.find((method) => method.brand === 'mastercard');
    expect(mastercard).toBeDefined();
    expect(result.payment).toMatchObject({ status: 'succeeded', card: { brand: 'mastercard', last4: mastercard!.last4 } });
    const row = await db().selectFrom('payments').select('payment_method_id').where('id', '=', result.payment!.payment_id).executeTakeFirstOrThrow();
    expect(row.payment_method_id).toBe(mastercard!.payment_method_id);
  });

  it("refuses a body with both or neither card, a void invoice (409) and another customer's invoice (404)", async () => {
    const { invoice, session, card } = await customerWithOpenInvoice();
    const before = await charges();
    expect((await errorOf(await pay(0, session, invoice.invoice_id, {}), 400)).code).toBe('invalid_request');
    expect((await errorOf(await pay(0, session, invoice.invoice_id, { payment_method_id: card.payment_method_id, card_token: 'tok_x' }), 400)).code).toBe('invalid_request');
    const other = await customerWithOpenInvoice();
    expect((await errorOf(await pay(0, session, other.invoice.invoice_id, { payment_method_id: card.payment_method_id }), 404)).code).toBe('not_found');
    // Another customer's card is not this customer's to use.
    expect((await errorOf(await pay(0, session, invoice.invoice_id, { payment_method_id: other.card.payment_method_id }), 400)).code).toBe('invalid_request');
    await db().updateTable('invoices').set({ status: 'void' }).where('id', '=', other.invoice.invoice_id).execute();
    expect(await errorOf(await pay(1, other.session, other.invoice.invoice_id, { payment_method_id: other.card.payment_method_id }), 409)).toMatchObject({ code: 'invoice_not_open' });
    expect(await charges()).toBe(before);
  });

  it('a retry with the same Idempotency-Key gets the first answer and charges nothing more', async () => {
    const { invoice, session, card } = await customerWithOpenInvoice();
    const before = await charges();
    const first = await json<PayInvoiceResult>(await pay(0, session, invoice.invoice_id, { payment_method_id: card.payment_method_id }, 'pay-1'), 200);
    const again = await pay(1, session, invoice.invoice_id, { payment_method_id: card.payment_method_id }, 'pay-1');
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(await json<PayInvoiceResult>(again, 200)).toEqual(first);
    expect(await charges()).toBe(before + 1);
  });

  it('20 parallel pays of one invoice, no key, over two servers: exactly one charge', async () => {
    const { customer, invoice, session, card } = await customerWithOpenInvoice();
    const before = await charges();
    const responses = await Promise.all(Array.from({ length: 20 }, (_, i) => pay(i % 2, session, invoice.invoice_id, { payment_method_id: card.payment_method_id })));
    const answers = await Promise.all(responses.map(async (response) => ({ status: response.status, body: (await response.json()) as PayInvoiceResult & ErrorBody })));
    expect(await charges()).toBe(before + 1);
    expect(answers.filter((answer) => answer.status === 200)).toHaveLength(1);
    expect(
      answers.filter((answer) => answer.status !== 200).every((answer) => answer.status === 409 && ['charge_in_progress', 'invoice_not_open'].includes(answer.body.error.code)),
      JSON.stringify(answers),
    ).toBe(true);
    const paid = (await json<Page<Payment>>(await send(0, key, 'GET', `/v1/payments?customer_id=${customer.customer_id}`), 200)).items;
    expect(paid.map((payment) => [payment.status, payment.amount, payment.invoice_id])).toEqual([['succeeded', 1543, invoice.invoice_id]]);
  });

  it("paying an on-hold subscription's dues invoice reactivates it once, even with ten parallel pays", async () => {
    const customer = await json<{ customer_id: string }>(await send(0, key, 'POST', '/v1/customers', { email: `hold${Math.random().toString(36).slice(2)}@example.com`, name: 'Hold' }), 201);
    const created = await json<Subscription>(
      await send(0, key, 'POST', '/v1/subscriptions', { customer_id: customer.customer_id, product_id: plan.product_id, card_token: await cardToken(SandboxCards.succeeds) }),
      201,
    );
    await json(await send(0, key, 'PATCH', `/v1/subscriptions/${created.subscription_id}`, { card_token: await cardToken(SandboxCards.attachesThenDeclines) }), 200);
    await json(await send(1, key, 'POST', '/v1/test-clock/advance', { to: created.current_period_end }), 200);
    expect((await json<Subscription>(await send(0, key, 'GET', `/v1/subscriptions/${created.subscription_id}`), 200)).status).toBe('on_hold');
    const session = (await json<{ session_token: string }>(await send(0, key, 'POST', `/v1/customers/${customer.customer_id}/customer-portal/session`), 201)).session_token;
    const dues = (await json<InvoicePage>(await send(0, session, 'GET', '/portal/v1/invoices'), 200)).items.find((item) => item.status === 'open')!;
    const card = await json<PortalPaymentMethod>(await send(1, session, 'POST', '/portal/v1/payment-methods', { card_token: await cardToken(SandboxCards.succeeds) }), 201);
    const before = await charges();
    const activeBefore = (await activeEventsOf(created.subscription_id)).length;
    const responses = await Promise.all(Array.from({ length: 10 }, (_, i) => pay(i % 2, session, dues.invoice_id, { payment_method_id: card.payment_method_id })));
    const answers = await Promise.all(responses.map(async (response) => ({ status: response.status, body: (await response.json()) as PayInvoiceResult & ErrorBody })));
    expect(await charges()).toBe(before + 1);
    const won = answers.filter((answer) => answer.status === 200);
    expect(won, JSON.stringify(answers)).toHaveLength(1);
    expect(
      answers.filter((answer) => answer.status !== 200).every((answer) => answer.status === 409),
      JSON.stringify(answers),
    ).toBe(true);
    expect(won[0]!.body).toMatchObject({ replaced_invoice_id: dues.invoice_id, invoice: { status: 'paid', total: dues.total }, payment: { status: 'succeeded', amount: dues.total } });
    const subscription = await json<Subscription>(await send(0, key, 'GET', `/v1/subscriptions/${created.subscription_id}`), 200);
    expect(subscription).toMatchObject({ status: 'active', payment_method: { payment_method_id: card.payment_method_id } });
    expect(await activeEventsOf(created.subscription_id)).toHaveLength(activeBefore + 1);
    expect((await json<Invoice>(await send(1, session, 'GET', `/portal/v1/invoices/${dues.invoice_id}`), 200)).status).toBe('void');
  });
});
