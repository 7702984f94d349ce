/**
 * The concurrency drill: bursts of 20 identical requests at once, over real TCP to a real
 * `dodo-portal serve`, on each mutation that must happen once — a plan change, a refund, a license
 * activation at its limit, a card removal, a magic-link exchange, paying the dues of a subscription
 * on hold (its renewal declined) to reactivate it — without Idempotency-Keys (the
 * server's locks and conditional writes must still let one through) and, where the operation
 * takes one, with one key for the whole burst (one effect, the others replay it or answer 409
 * `idempotency_key_in_progress`). After each burst the drill reads back what happened: a double
 * effect is a second charge, more refunded than one refund, activations past the limit, a second
 * removal or a second session, or — for the dues — a second dues charge or payment, a dues
 * invoice too many, or a second `subscription.active`. Figures: bursts, double_effects (0), 5xx (0), statuses.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Drill } from './drill.ts';
import { call, CARD, must, type Answer } from './http.ts';
import { SandboxCards } from '../src/payments/sandbox.ts';
import { planLadder } from './fixtures.ts';
import { startDrillServer } from './serve.ts';

const PARALLEL = 20;

type Burst = (keyed: boolean) => Promise<{ answers: Answer[]; double: string | undefined }>;

export const concurrency: Drill = {
  name: 'concurrency',
  async run({ full, store, databaseUrl, log }) {
    const server = await startDrillServer({ store, databaseUrl }, { TRUST_PROXY: '1' });
    const receiver = await webhookReceiver();
    const failures: string[] = [];
    const figures = { bursts: 0, requests: 0, double_effects: 0, '5xx': 0 };
    const statuses = new Map<string, number>();
    try {
      const { url } = server;
      const key = server.business.keys.test;
      const cardToken = async () => (await must<{ card_token: string }>(url, 201, null, 'POST', '/sandbox/v1/tokens', CARD)).card_token;
      const { basic, pro } = await planLadder(url, key);
      const licensed = await must<{ product_id: string }>(url, 201, key, 'POST', '/v1/products', {
        name: 'App',
        billing_type: 'one_time',
        price: 900,
        currency: 'USD',
        license_key: { activations_limit: 3, duration_days: null },
      });
      let n = 0;
      const newCustomer = async () => {
        n += 1;
        const customer = await must<{ customer_id: string }>(url, 201, key, 'POST', '/v1/customers', { email: `burst${n}@drill.example`, name: `Burst ${n}` });
        return customer.customer_id;
      };
      const portalToken = async (customerId: string) =>
        (await must<{ session_token: string }>(url, 201, key, 'POST', `/v1/customers/${customerId}/customer-portal/session`, {})).session_token;
      const burst = (send: (keyHeader: Record<string, string>) => Promise<Answer>, keyed: boolean) => {
        const header: Record<string, string> = keyed ? { 'idempotency-key': `drill-${n}-${Math.random().toString(36).slice(2)}` } : {};
        return Promise.all(Array.from({ length: PARALLEL }, () => send(header)));
      };
      const successes = (answers: Answer[]) => answers.filter((answer) => answer.status < 300).length;

      const bursts = full ? 20 : 3;

      // Dues: subscriptions put on hold together (a card that is saved but declines every charge,
      // then one test-clock advance past their period end: the renewal fails, its invoice stays
      // open), each paid back from a burst. Even bursts pay through the subscription's
      // `payment-method`, odd ones through `invoices/{id}/pay` of the open invoice: both are the
      // one dues charge. Every `subscription.active` is counted at a webhook endpoint (a real
      // receiver on loopback; the deliveries are read back through the merchant API).
      interface OnHold {
        customerId: string;
        subscriptionId: string;
        invoiceId: string;
        token: string;
        methodId: string;
      }
      const onHold: OnHold[] = [];
      let hookId = '';
      const prepareDues = async (count: number) => {
        const held: { customerId: string; subscriptionId: string; periodEnd: string }[] = [];
        for (let i = 0; i < count; i += 1) {
          const customerId = await newCustomer();
          const created = await must<{ subscription_id: string; current_period_end: string }>(url, 201, key, 'POST', '/v1/subscriptions', {
            customer_id: customerId,
            product_id: basic.product_id,
            card_token: await cardToken(),
          });
          const declining = (await must<{ card_token: string }>(url, 201, null, 'POST', '/sandbox/v1/tokens', { ...CARD, number: SandboxCards.attachesThenDeclines })).card_token;
          await must(url, 200, key, 'PATCH', `/v1/subscriptions/${created.subscription_id}`, { card_token: declining });
          held.push({ customerId, subscriptionId: created.subscription_id, periodEnd: created.current_period_end });
        }
        const periodEnd = held
          .map((hold) => hold.periodEnd)
          .sort()
          .at(-1)!;
        await must(url, 200, key, 'POST', '/v1/test-clock/advance', { to: periodEnd });
        // From here on: the subscriptions' own activations are behind them, only reactivations count.
        const endpoint = await must<{ webhook_endpoint_id: string }>(url, 201, key, 'POST', '/v1/webhook-endpoints', { url: receiver.url, events: ['subscription.active'] });
        hookId = endpoint.webhook_endpoint_id;
        for (const hold of held) {
          const after = await must<{ status: string }>(url, 200, key, 'GET', `/v1/subscriptions/${hold.subscriptionId}`);
          if (after.status !== 'on_hold') throw new Error(`setup: subscription ${hold.subscriptionId} is ${after.status} after its renewal declined, not on_hold`);
          const invoices = await must<{ items: { invoice_id: string; status: string }[] }>(url, 200, key, 'GET', `/v1/invoices?customer_id=${hold.customerId}`);
          const open = invoices.items.filter((invoice) => invoice.status === 'open');
          if (open.length !== 1) throw new Error(`setup: subscription ${hold.subscriptionId} has ${open.length} open invoices, not 1`);
          const token = await portalToken(hold.customerId);
          const method = await must<{ payment_method_id: string }>(url, 201, token, 'POST', '/portal/v1/payment-methods', { card_token: await cardToken() });
          onHold.push({ ...hold, invoiceId: open[0]!.invoice_id, token, methodId: method.payment_method_id });
        }
      };
      let duesBurst = 0;

      const kinds: Record<string, { keyable: boolean; run: Burst }> = {
        plan_change: {
          keyable: true,
          run: async (keyed) => {
            const customerId = await newCustomer();
            const subscription = await must<{ subscription_id: string }>(url, 201, key, 'POST', '/v1/subscriptions', {
              customer_id: customerId,
              product_id: basic.product_id,
              card_token: await cardToken(),
            });
            const token = await portalToken(customerId);
            const path = `/portal/v1/subscriptions/${subscription.subscription_id}/change-plan`;
            const answers = await burst((header) => call(url, token, 'POST', path, { product_id: pro.product_id }, header), keyed);
            const payments = await must<{ items: { status: string }[] }>(url, 200, key, 'GET', `/v1/payments?customer_id=${customerId}`);
            const charged = payments.items.filter((payment) => payment.status === 'succeeded').length;
            const after = await must<{ product_id: string }>(url, 200, key, 'GET', `/v1/subscriptions/${subscription.subscription_id}`);
            const double =
              charged !== 2
                ? `${charged} charges (the first period and one upgrade expected)`
                : after.product_id !== pro.product_id
                  ? 'the plan did not change'
                  : !keyed && successes(answers) !== 1
                    ? `${successes(answers)} answers said the plan changed`
                    : undefined;
            return { answers, double };
          },
        },
        refund: {
          keyable: true,
          run: async (keyed) => {
            const customerId = await newCustomer();
            const payment = await must<{ payment_id: string }>(url, 201, key, 'POST', '/v1/payments', {
              customer_id: customerId,
              items: [{ product_id: licensed.product_id }],
              card_token: await cardToken(),
            });
            // 500 of 900 each: a second refund would refund more than was paid.
            const answers = await burst((header) => call(url, key, 'POST', '/v1/refunds', { payment_id: payment.payment_id, amount: 500 }, header), keyed);
            const refunds = await must<{ items: { amount: number; status: string }[] }>(url, 200, key, 'GET', `/v1/refunds?payment_id=${payment.payment_id}`);
            const live = refunds.items.filter((refund) => refund.status !== 'failed');
            const refunded = live.reduce((sum, refund) => sum + refund.amount, 0);
            return { answers, double: live.length !== 1 || refunded !== 500 ? `${live.length} refunds of ${refunded} (one of 500 expected)` : undefined };
          },
        },
        license_activation: {
          keyable: false,
          run: async () => {
            const customerId = await newCustomer();
            await must(url, 201, key, 'POST', '/v1/payments', { customer_id: customerId, items: [{ product_id: licensed.product_id }], card_token: await cardToken() });
            const [licenseKey] = (await must<{ items: { license_key_id: string }[] }>(url, 200, key, 'GET', `/v1/license-keys?customer_id=${customerId}`)).items;
            const revealed = await must<{ key: string }>(url, 200, key, 'GET', `/v1/license-keys/${licenseKey!.license_key_id}`);
            const answers = await burst(() => call(url, null, 'POST', '/v1/licenses/activate', { license_key: revealed.key, name: 'laptop' }), false);
            const after = await must<{ instances_count: number }>(url, 200, key, 'GET', `/v1/license-keys/${licenseKey!.license_key_id}`);
            return {
              answers,
              double: after.instances_count !== 3 || successes(answers) !== 3 ? `${after.instances_count} activations, ${successes(answers)} answered (limit 3)` : undefined,
            };
          },
        },
        card_removal: {
          keyable: false,
          run: async () => {
            const token = await portalToken(await newCustomer());
            await must(url, 201, token, 'POST', '/portal/v1/payment-methods', { card_token: await cardToken() });
            const [method] = (await must<{ items: { payment_method_id: string }[] }>(url, 200, token, 'GET', '/portal/v1/payment-methods')).items;
            const answers = await burst(() => call(url, token, 'DELETE', `/portal/v1/payment-methods/${method!.payment_method_id}`), false);
            const left = (await must<{ items: unknown[] }>(url, 200, token, 'GET', '/portal/v1/payment-methods')).items.length;
            return { answers, double: successes(answers) !== 1 || left !== 0 ? `${successes(answers)} removals answered, ${left} cards left` : undefined };
          },
        },
        magic_link_exchange: {
          keyable: false,
          run: async () => {
            const customerId = await newCustomer();
            const link = await must<{ link: string }>(url, 201, key, 'POST', `/v1/customers/${customerId}/customer-portal/magic-link`, {});
            const code = /code=([^&]+)/.exec(link.link)![1]!;
            const answers = await burst(() => call(url, null, 'POST', '/portal/v1/magic-link/exchange', { code }), false);
            return { answers, double: successes(answers) !== 1 ? `${successes(answers)} sessions from one code` : undefined };
          },
        },
        dues: {
          keyable: true,
          run: async (keyed) => {
            if (onHold.length === 0 && duesBurst === 0) await prepareDues(bursts * 2);
            const hold = onHold.shift()!;
            const viaInvoice = duesBurst % 2 === 1;
            duesBurst += 1;
            const [path, body] = viaInvoice
              ? [`/portal/v1/invoices/${hold.invoiceId}/pay`, { payment_method_id: hold.methodId }]
              : [`/portal/v1/subscriptions/${hold.subscriptionId}/payment-method`, { payment_method_id: hold.methodId }];
            const answers = await burst((header) => call(url, hold.token, 'POST', path, body, header), keyed);
            const paymentIds = new Set(
              answers.map((answer) => (answer.status < 300 ? (answer.json as { payment?: { payment_id: string } | null }).payment?.payment_id : undefined)).filter(Boolean),
            );
            const payments = await must<{ items: { status: string; amount: number }[] }>(url, 200, key, 'GET', `/v1/payments?customer_id=${hold.customerId}`);
            const charged = payments.items.filter((payment) => payment.status === 'succeeded');
            const invoices = await must<{ items: { status: string }[] }>(url, 200, key, 'GET', `/v1/invoices?customer_id=${hold.customerId}`);
            const paid = invoices.items.filter((invoice) => invoice.status === 'paid').length;
            const open = invoices.items.filter((invoice) => invoice.status === 'open').length;
            const after = await must<{ status: string }>(url, 200, key, 'GET', `/v1/subscriptions/${hold.subscriptionId}`);
            const deliveries = await must<{ items: { payload: { data: { subscription_id?: string } } }[] }>(url, 200, key, 'GET', `/v1/webhook-endpoints/${hookId}/deliveries?limit=100`);
            const reactivations = deliveries.items.filter((delivery) => delivery.payload.data.subscription_id === hold.subscriptionId).length;
            const double =
              charged.length !== 2 || charged.some((payment) => payment.amount !== 1_000)
                ? `${charged.length} charges of ${charged.map((payment) => payment.amount).join('+')} (the first period and the dues once, 1000 each, expected)`
                : paymentIds.size !== 1
                  ? `${paymentIds.size} payments answered`
                  : paid !== 2 || open !== 0
                    ? `${paid} paid and ${open} open invoices (the first period's and one dues invoice paid, none open, expected)`
                    : after.status !== 'active'
                      ? `the subscription is ${after.status} after its dues were paid`
                      : reactivations !== 1
                        ? `${reactivations} subscription.active events`
                        : undefined;
            return { answers, double };
          },
        },
      };

      for (const [name, kind] of Object.entries(kinds)) {
        for (const keyed of kind.keyable ? [false, true] : [false]) {
          const label = keyed ? `${name}+key` : name;
          for (let i = 0; i < bursts; i += 1) {
            const { answers, double } = await kind.run(keyed);
            figures.bursts += 1;
            figures.requests += answers.length;
            if (double) {
              figures.double_effects += 1;
              failures.push(`${label} burst ${i}: ${double}; answers ${answers.map((answer) => answer.status).join(',')}`);
            }
            for (const answer of answers) {
              const code = (answer.json as { error?: { code?: string } } | undefined)?.error?.code;
              const tag = `${label}:${answer.status}${code ? ` ${code}` : ''}`;
              statuses.set(tag, (statuses.get(tag) ?? 0) + 1);
              if (answer.status >= 500) {
                figures['5xx'] += 1;
                failures.push(`${label} burst ${i}: ${answer.status} ${answer.text.slice(0, 200)}`);
              }
            }
          }
        }
      }
    } finally {
      await server.stop();
      await receiver.close();
    }
    for (const [figure, value] of Object.entries(figures)) log(figure, value);
    log('statuses', [...statuses.entries()].map(([tag, count]) => `${tag}=${count}`).join(', '));
    if (failures.length > 0) failures.push(`server log (tail): ${server.stderr().slice(-2_000)}`);
    return { failures };
  },
};

/** A webhook receiver on loopback that takes every delivery (200): the server's deliveries succeed. */
async function webhookReceiver(): Promise<{ url: string; close: () => Promise<void> }> {
  const receiver = createServer((req, res) => {
    req.resume();
    req.on('end', () => res.end('ok'));
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hooks`,
    close: () =>
      new Promise<void>((resolve) => {
        receiver.closeAllConnections();
        receiver.close(() => resolve());
      }),
  };
}
