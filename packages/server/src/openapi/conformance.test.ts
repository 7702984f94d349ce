/**
 * The document tells the truth about real answers: a merchant's and a customer's day through the
 * real app, each answer checked against what the document says that operation returns (a
 * documented status; the body parses with the named schema; an error's code is one it lists).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHarness, type Harness } from '../testing/harness.ts';
import { buildOpenApiDocument, operations, responseName } from './document.ts';
import { ResponseSchemas } from './registry.ts';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- walks an untyped JSON document (OpenAPI) field by field
type Json = Record<string, any>;

let h: Harness;
const doc: Json = buildOpenApiDocument();
beforeAll(async () => {
  h = await createHarness();
});
afterAll(async () => h.close());

/** `operationId status` of every answer checked, so a test can show it met the failures it meant to. */
const seen: string[] = [];

/** Checks `response` against the operation `operationId` and returns its JSON body. */
async function conforms(operationId: string, response: Response): Promise<Json> {
  const op = operations.find((candidate) => candidate.operationId === operationId);
  if (!op) throw new Error(`no operation ${operationId}`);
  const documented = doc.paths[op.path][op.method].responses[String(response.status)];
  const text = await response.text();
  seen.push(`${operationId} ${response.status}`);
  expect(documented, `${operationId} answered an undocumented ${response.status}: ${text}`).toBeDefined();
  const body = text ? (JSON.parse(text) as Json) : {};
  if (response.status >= 400) {
    expect(documented['x-error-codes']).toContain(body.error.code);
    expect(ResponseSchemas.ErrorBody.safeParse(body).success).toBe(true);
    return body;
  }
  const schema = op.responses[response.status]!.schema;
  if (schema) {
    const name = responseName(schema);
    const parsed = schema.safeParse(body);
    expect(parsed.success, `${operationId} ${response.status} is not a ${name}: ${parsed.error?.message}`).toBe(true);
  } else {
    expect(text).toBe('');
  }
  return body;
}

describe('real answers match the document', () => {
  it('for the merchant API', async () => {
    const key = h.business.keys.test;
    const customer = await conforms('createCustomer', await h.merchant(key, 'POST', '/v1/customers', { email: 'ada@example.com', name: 'Ada' }));
    await conforms('createCustomer', await h.merchant(key, 'POST', '/v1/customers', { email: 'ada@example.com', name: 'Ada again' }));
    await conforms('listCustomers', await h.merchant(key, 'GET', '/v1/customers?limit=5'));
    await conforms('getCustomer', await h.merchant(key, 'GET', '/v1/customers/cus_nope'));
    await conforms('getCustomer', await h.merchant(key, 'GET', '/v1/customers/cus_%00'));
    await conforms('getBusiness', await h.merchant(key, 'GET', '/v1/business'));
    const product = await conforms(
      'createProduct',
      await h.merchant(key, 'POST', '/v1/products', { name: 'Pro', billing_type: 'subscription', price: 1500, currency: 'USD', interval: 'month' }),
    );
    const token = await conforms(
      'createCardToken',
      await h.app.request('/sandbox/v1/tokens', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ number: '4242424242424242', exp_month: 12, exp_year: 2040, cvc: '123' }),
      }),
    );
    const declined = await conforms(
      'createCardToken',
      await h.app.request('/sandbox/v1/tokens', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ number: '4000000000000002', exp_month: 12, exp_year: 2040, cvc: '123' }),
      }),
    );
    const subscription = await conforms(
      'createSubscription',
      await h.merchant(key, 'POST', '/v1/subscriptions', { customer_id: customer.customer_id, product_id: product.product_id, card_token: token.card_token }),
    );
    // `4000000000000002` tokenizes and is declined at the charge.
    await conforms(
      'createSubscription',
      await h.merchant(key, 'POST', '/v1/subscriptions', { customer_id: customer.customer_id, product_id: product.product_id, card_token: declined.card_token }),
    );
    await conforms('getSubscription', await h.merchant(key, 'GET', `/v1/subscriptions/${subscription.subscription_id}`));
    await conforms('listInvoices', await h.merchant(key, 'GET', `/v1/invoices?customer_id=${customer.customer_id}`));
    const payments = await conforms('listPayments', await h.merchant(key, 'GET', `/v1/payments?customer_id=${customer.customer_id}`));
    const paid = payments.items.find((payment: Json) => payment.status === 'succeeded');
    await conforms('createRefund', await h.merchant(key, 'POST', '/v1/refunds', { payment_id: paid.payment_id, amount: 500 }));
    await conforms('createRefund', await h.merchant(key, 'POST', '/v1/refunds', { payment_id: paid.payment_id, amount: 5000 }));
    await conforms('createWebhookEndpoint', await h.merchant(key, 'POST', '/v1/webhook-endpoints', { url: 'http://127.0.0.1:9/hook' }));
    await conforms('getTestClock', await h.merchant(key, 'GET', '/v1/test-clock'));
    await conforms('getTestClock', await h.merchant(h.business.keys.live, 'GET', '/v1/test-clock'));
    await conforms('advanceTestClock', await h.merchant(key, 'POST', '/v1/test-clock/advance', { seconds: 40 * 86_400 }));
    await conforms('listLicenseKeys', await h.merchant(key, 'GET', '/v1/license-keys'));
    await conforms('listProducts', await h.merchant('sk_test_wrong', 'GET', '/v1/products'));
    expect(seen).toEqual(
      expect.arrayContaining([
        'createCustomer 201',
        'createCustomer 409',
        'getCustomer 404',
        'getCustomer 400',
        'createSubscription 201',
        'createSubscription 402',
        'createRefund 201',
        'createRefund 409',
        'getTestClock 403',
        'listProducts 401',
      ]),
    );
  });

  it('for the portal API', async () => {
    const key = h.business.keys.test;
    const customer = await h.createCustomer(key);
    const session = await conforms('createPortalSession', await h.merchant(key, 'POST', `/v1/customers/${customer.customer_id}/customer-portal/session`));
    await conforms('getPortalInvite', await h.merchant(key, 'GET', `/v1/customers/${customer.customer_id}/customer-portal/invite`));
    const leaving = await h.createCustomer(key);
    await conforms('revokePortalAccess', await h.merchant(key, 'POST', `/v1/customers/${leaving.customer_id}/customer-portal/sessions/revoke`));
    const token = session.session_token as string;
    await conforms('getPortalSession', await h.portal(token, 'GET', '/portal/v1/session'));
    await conforms('listPortalInvoices', await h.portal(token, 'GET', '/portal/v1/invoices'));
    await conforms('listPortalPayments', await h.portal(token, 'GET', '/portal/v1/payments'));
    await conforms('listPortalSubscriptions', await h.portal(token, 'GET', '/portal/v1/subscriptions'));
    await conforms('getPortalSubscription', await h.portal(token, 'GET', '/portal/v1/subscriptions/sub_nope'));
    await conforms('listPortalPaymentMethods', await h.portal(token, 'GET', '/portal/v1/payment-methods'));
    await conforms('getProfile', await h.portal(token, 'GET', '/portal/v1/profile'));
    await conforms('listPortalLicenseKeys', await h.portal(token, 'GET', '/portal/v1/license-keys'));
    await conforms('endPortalSession', await h.portal(token, 'DELETE', '/portal/v1/session'));
    await conforms('getPortalSession', await h.portal(token, 'GET', '/portal/v1/session'));
    expect(seen).toEqual(expect.arrayContaining(['getPortalSubscription 404', 'endPortalSession 204', 'getPortalSession 401']));
  });

  it('for self-service in the portal', async () => {
    const key = h.business.keys.test;
    const customer = await h.createCustomer(key);
    const product = await conforms(
      'createProduct',
      await h.merchant(key, 'POST', '/v1/products', { name: 'Basic', billing_type: 'subscription', price: 900, currency: 'USD', interval: 'month' }),
    );
    const card = (number: string) =>
      h.app.request('/sandbox/v1/tokens', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ number, exp_month: 12, exp_year: 2040, cvc: '123' }) });
    const token = await conforms('createCardToken', await card('4242424242424242'));
    const subscription = await conforms(
      'createSubscription',
      await h.merchant(key, 'POST', '/v1/subscriptions', { customer_id: customer.customer_id, product_id: product.product_id, card_token: token.card_token }),
    );
    const session = await h.createSession(key, customer.customer_id);
    const write = (method: string, path: string, body?: unknown) =>
      h.app.request(path, {
        method,
        headers: { authorization: `Bearer ${session.session_token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
    const id = subscription.subscription_id as string;
    await conforms('getPlanOptions', await h.portal(session.session_token, 'GET', `/portal/v1/subscriptions/${id}/plan-options`));
    await conforms('getDues', await h.portal(session.session_token, 'GET', `/portal/v1/subscriptions/${id}/dues`));
    await conforms('resumePortalSubscription', await write('POST', `/portal/v1/subscriptions/${id}/resume`));
    await conforms('cancelPortalSubscription', await write('POST', `/portal/v1/subscriptions/${id}/cancel`, { when: 'period_end', reason: 'unused' }));
    await conforms('resumePortalSubscription', await write('POST', `/portal/v1/subscriptions/${id}/resume`));
    await conforms('previewPlanChange', await write('POST', `/portal/v1/subscriptions/${id}/change-plan/preview`, { product_id: product.product_id }));
    const second = await conforms('createCardToken', await card('5555555555554444'));
    const method = await conforms('addPortalPaymentMethod', await write('POST', '/portal/v1/payment-methods', { card_token: second.card_token }));
    await conforms('setSubscriptionPaymentMethod', await write('POST', `/portal/v1/subscriptions/${id}/payment-method`, { payment_method_id: method.payment_method_id }));
    const open = await conforms(
      'createInvoice',
      await h.merchant(key, 'POST', '/v1/invoices', {
        customer_id: customer.customer_id,
        currency: 'USD',
        status: 'open',
        line_items: [{ description: 'Setup', quantity: 1, unit_amount: 2500 }],
      }),
    );
    await conforms('payPortalInvoice', await write('POST', `/portal/v1/invoices/${open.invoice_id}/pay`, { payment_method_id: method.payment_method_id }));
    await conforms('payPortalInvoice', await write('POST', `/portal/v1/invoices/${open.invoice_id}/pay`, { payment_method_id: method.payment_method_id }));
    await conforms('payPortalInvoice', await write('POST', `/portal/v1/invoices/${open.invoice_id}/pay`, {}));
    // The decline card is refused by the verification when saved (402); removing a card in use
    // without replacements is 409 with the subscriptions in `details`; then with them, 204.
    await conforms(
      'addPortalPaymentMethod',
      await write('POST', '/portal/v1/payment-methods', { card_token: (await conforms('createCardToken', await card('4000000000000002'))).card_token }),
    );
    await conforms('setDefaultPortalPaymentMethod', await write('POST', `/portal/v1/payment-methods/${method.payment_method_id}/default`));
    const inUse = await conforms('deletePortalPaymentMethod', await write('DELETE', `/portal/v1/payment-methods/${method.payment_method_id}`));
    expect(inUse.error.details.subscriptions.map((entry: Json) => entry.id)).toEqual([id]);
    await conforms(
      'deletePortalPaymentMethod',
      await write('DELETE', `/portal/v1/payment-methods/${method.payment_method_id}`, { replacements: { [id]: subscription.payment_method.payment_method_id } }),
    );
    await conforms('updateProfile', await write('PATCH', '/portal/v1/profile', { name: 'Grace' }));
    await conforms('updateProfile', await write('PATCH', '/portal/v1/profile', { nickname: 'G' }));
    await conforms('cancelPortalSubscription', await write('POST', `/portal/v1/subscriptions/${id}/cancel`, { when: 'immediately' }));
    await conforms('cancelPortalSubscription', await write('POST', `/portal/v1/subscriptions/${id}/cancel`));
    expect(seen).toEqual(
      expect.arrayContaining([
        'resumePortalSubscription 409',
        'cancelPortalSubscription 200',
        'updateProfile 200',
        'updateProfile 400',
        'addPortalPaymentMethod 402',
        'setDefaultPortalPaymentMethod 200',
        'deletePortalPaymentMethod 409',
        'deletePortalPaymentMethod 204',
        'payPortalInvoice 200',
        'payPortalInvoice 409',
        'payPortalInvoice 400',
      ]),
    );
  });

  it('for unknown sign-in codes and bodies over the limit where no body is read', async () => {
    const exchange = (path: string, code: string) => h.app.request(path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ code }) });
    await conforms('exchangeMagicLink', await exchange('/portal/v1/magic-link/exchange', `dpm_${'A'.repeat(43)}`));
    await conforms('exchangeMagicLink', await exchange('/portal/v1/magic-link/exchange', 'not-a-code'));
    await conforms('exchangeUnifiedMagicLink', await exchange('/portal/v1/unified/magic-link/exchange', `dpx_${'A'.repeat(43)}`));

    const key = h.business.keys.test;
    const customer = await h.createCustomer(key);
    const session = await h.createSession(key, customer.customer_id);
    const oversized = 'x'.repeat(1024 * 1024 + 1);
    await conforms(
      'endPortalSession',
      await h.app.request('/portal/v1/session', { method: 'DELETE', headers: { authorization: `Bearer ${session.session_token}`, 'content-type': 'text/plain' }, body: oversized }),
    );
    expect(seen).toEqual(expect.arrayContaining(['exchangeMagicLink 404', 'exchangeUnifiedMagicLink 404', 'endPortalSession 413']));
  });
});
