/**
 * msw handlers for saved cards and on-hold recovery, typed from the wire contract: the portal's
 * payment-method and dues routes, and the sandbox processor's `/sandbox/v1/tokens`. Each call of
 * `paymentMethodsApi()` is one stateful world (cards saved, dues paid), like the real server.
 */
import { delay, HttpResponse, type HttpHandler } from 'msw';
import { api } from './api.ts';
import type {
  CardBrand,
  CardTokenCreated,
  DeletePaymentMethodBody,
  Dues,
  ErrorBody,
  Invoice,
  Payment,
  PortalPaymentMethod,
  PortalSubscription,
  SubscriptionPaymentMethodResult,
} from '@dodo-portal/wire/schemas';
import { cardBrandOf, luhnValid } from '@dodo-portal/wire/values';
import { portalApi } from './portal-api.ts';

/** The sandbox's test cards: every other Luhn-valid number is charged successfully. */
export const TEST_CARDS = {
  succeeds: '4242424242424242',
  declines: '4000000000000002',
  insufficientFunds: '4000000000009995',
  /** Passes the verification when saved; every charge is declined. */
  attachesThenDeclines: '4000000000000341',
  amex: '378282246310005',
} as const;

/** Refused by the verification that saving a card runs (402, nothing saved), as the server's sandbox does. */
const REFUSED_WHEN_SAVED: Record<string, string> = { [TEST_CARDS.declines]: 'card_declined', [TEST_CARDS.insufficientFunds]: 'insufficient_funds' };
/** Saved, then declined whenever charged. */
const DECLINED_WHEN_CHARGED: Record<string, string> = { [TEST_CARDS.attachesThenDeclines]: 'card_declined' };

const card = (id: string, brand: CardBrand, last4: string, extra: Partial<PortalPaymentMethod> = {}): PortalPaymentMethod => ({
  payment_method_id: id,
  customer_id: 'cus_ada',
  brand,
  last4,
  exp_month: 8,
  exp_year: 2031,
  is_default: false,
  created_at: '2025-01-15T12:00:00.000Z',
  subscription_ids: [],
  ...extra,
});

/** The card the on-hold subscription failed on (it declines), and a working Mastercard. */
export const failingCard = card('pm_visa_0341', 'visa', '0341', { is_default: true, subscription_ids: ['sub_pro'], exp_month: 3, exp_year: 2030 });
export const workingCard = card('pm_mc_4444', 'mastercard', '4444');

export const subscriptionFixture = (status: 'active' | 'on_hold', method: PortalPaymentMethod = failingCard): PortalSubscription => ({
  subscription_id: 'sub_pro',
  customer_id: 'cus_ada',
  product_id: 'prod_pro',
  quantity: 1,
  status,
  currency: 'SEK',
  interval: 'month',
  interval_count: 1,
  current_period_start: '2025-03-01T00:00:00.000Z',
  current_period_end: '2025-04-01T00:00:00.000Z',
  next_billing_date: status === 'active' ? '2025-04-01T00:00:00.000Z' : null,
  cancel_at_period_end: false,
  cancelled_at: null,
  payment_method: { payment_method_id: method.payment_method_id, brand: method.brand, last4: method.last4 },
  addons: [],
  created_at: '2025-01-01T00:00:00.000Z',
  product: {
    product_id: 'prod_pro',
    name: 'Pro',
    description: null,
    billing_type: 'subscription',
    price: 24_900,
    currency: 'SEK',
    interval: 'month',
    interval_count: 1,
    tax_rate_bps: 0,
  },
  addon_items: [],
  recurring_amount: 24_900,
  collection_id: null,
  actions: status === 'on_hold' ? ['update_payment_method', 'pay_dues'] : ['cancel', 'change_plan', 'update_payment_method'],
});

/** The renewal invoice left open when the subscription went on hold: 249,00 kr. */
export const openRenewal: Invoice = {
  invoice_id: 'inv_renewal',
  number: 'INV-000051',
  status: 'open',
  currency: 'SEK',
  subtotal: 24_900,
  tax: 0,
  total: 24_900,
  issued_at: '2025-04-01T00:00:00.000Z',
  paid_at: null,
  customer_id: 'cus_ada',
  subscription_id: 'sub_pro',
  line_items: [{ description: 'Pro plan', quantity: 1, unit_amount: 24_900, amount: 24_900, tax_rate_bps: 2500 }],
  billing_address: null,
};

/** When the dues are paid (the mock's clock). */
const PAID_AT = '2025-04-03T09:30:00.000Z';
/** The billing date the reactivated subscription gets: one period from the payment. */
export const REACTIVATED_NEXT_BILLING = '2025-05-03T09:30:00.000Z';

const errorBody = (code: string, message: string, extra: Partial<ErrorBody['error']> = {}): ErrorBody => ({ error: { code, message, ...extra } });

export interface PaymentMethodsApiOptions {
  methods?: PortalPaymentMethod[];
  subscription?: PortalSubscription;
  /** Saved cards whose charges are declined, with the decline code. */
  declining?: Record<string, string>;
}

/**
 * A working API over `methods` and `subscription`: tokenization (sandbox rules: Luhn, expiry),
 * the verification on saving (decline cards: 402, nothing saved; `…0341` saved, declined when
 * charged), saving and removing cards (409 `payment_method_in_use` with the subscriptions of a card
 * that pays any, unless `replacements` names another card for each), dues, and reactivation with
 * `Idempotency-Key` replay. The portal's session, invoices and PDFs come from `portalApi()`.
 */
export function paymentMethodsApi({
  methods: initial = [failingCard, workingCard],
  subscription: initialSubscription = subscriptionFixture('on_hold'),
  declining: initialDeclining = { [failingCard.payment_method_id]: 'card_declined' },
}: PaymentMethodsApiOptions = {}): HttpHandler[] {
  let methods = initial.map((method) => ({ ...method }));
  let subscription = { ...initialSubscription };
  const declining: Record<string, string> = { ...initialDeclining };
  const tokens = new Map<string, { brand: CardBrand; last4: string; exp_month: number; exp_year: number; refused?: string; decline?: string }>();
  const replies = new Map<string, { status: number; body: unknown }>();
  let sequence = 0;
  const invoices: Invoice[] = [openRenewal];

  const dues = (): Dues =>
    subscription.status === 'on_hold' ? { amount: 24_900, currency: 'SEK', invoice_ids: [openRenewal.invoice_id] } : { amount: 0, currency: subscription.currency, invoice_ids: [] };

  const charge = (paymentMethodId: string): { status: number; body: unknown } => {
    const method = methods.find((m) => m.payment_method_id === paymentMethodId);
    if (!method) return { status: 404, body: errorBody('not_found', 'No such payment method.') };
    const setMethod = () => {
      subscription = { ...subscription, payment_method: { payment_method_id: method.payment_method_id, brand: method.brand, last4: method.last4 } };
      methods = methods.map((m) => ({
        ...m,
        subscription_ids: m === method ? [...new Set([...m.subscription_ids, subscription.subscription_id])] : m.subscription_ids.filter((id) => id !== subscription.subscription_id),
      }));
    };
    if (subscription.status !== 'on_hold') {
      setMethod();
      return { status: 200, body: { subscription, payment: null, invoice: null } satisfies SubscriptionPaymentMethodResult };
    }
    const decline = declining[paymentMethodId];
    if (decline) return { status: 402, body: errorBody('payment_failed', 'The card was declined.', { decline_code: decline }) };
    sequence += 1;
    const invoice: Invoice = { ...openRenewal, invoice_id: `inv_dues_${sequence}`, number: `INV-00006${sequence}`, status: 'paid', issued_at: PAID_AT, paid_at: PAID_AT };
    invoices.push(invoice);
    const payment: Payment = {
      payment_id: `pay_dues_${sequence}`,
      customer_id: 'cus_ada',
      invoice_id: invoice.invoice_id,
      subscription_id: subscription.subscription_id,
      amount: 24_900,
      amount_refunded: 0,
      currency: 'SEK',
      status: 'succeeded',
      decline_code: null,
      failure_message: null,
      card: { brand: method.brand, last4: method.last4 },
      created_at: PAID_AT,
    };
    setMethod();
    subscription = { ...subscription, status: 'active', next_billing_date: REACTIVATED_NEXT_BILLING, actions: ['cancel', 'change_plan', 'update_payment_method'] };
    return { status: 200, body: { subscription, payment, invoice } satisfies SubscriptionPaymentMethodResult };
  };

  return [
    api.post('*/sandbox/v1/tokens', async ({ request }) => {
      const body = await request.json();
      const number = body.number.replace(/\D/g, '');
      const refuse = (decline_code: string, message: string) => HttpResponse.json(errorBody('invalid_card', message, { decline_code }), { status: 400 });
      if (!luhnValid(number)) return refuse('invalid_number', 'The card number is not valid.');
      if (body.exp_month < 1 || body.exp_month > 12) return refuse('invalid_expiry_month', 'The expiry month is not valid.');
      const now = new Date();
      if (body.exp_year * 12 + body.exp_month < now.getUTCFullYear() * 12 + now.getUTCMonth() + 1) return refuse('expired_card', 'The card has expired.');
      if (!/^\d{3,4}$/.test(body.cvc)) return refuse('invalid_cvc', 'The CVC is not valid.');
      const brand = cardBrandOf(number);
      const token = `tok_test_${tokens.size + 1}`;
      const created: CardTokenCreated = { card_token: token, brand, last4: number.slice(-4), exp_month: body.exp_month, exp_year: body.exp_year };
      tokens.set(token, { ...created, refused: REFUSED_WHEN_SAVED[number], decline: DECLINED_WHEN_CHARGED[number] });
      return HttpResponse.json(created, { status: 201 });
    }),
    api.get('*/portal/v1/payment-methods', () => HttpResponse.json({ items: methods, next_cursor: null })),
    api.post('*/portal/v1/payment-methods', async ({ request }) => {
      const { card_token } = await request.json();
      const token = tokens.get(card_token);
      if (!token) return HttpResponse.json(errorBody('invalid_card', 'Unknown card token.'), { status: 400 });
      if (token.refused) return HttpResponse.json(errorBody('payment_failed', 'The card was declined.', { decline_code: token.refused }), { status: 402 });
      tokens.delete(card_token);
      const method = card(`pm_new_${methods.length + 1}`, token.brand, token.last4, { exp_month: token.exp_month, exp_year: token.exp_year });
      if (token.decline) declining[method.payment_method_id] = token.decline;
      methods = [...methods, method];
      return HttpResponse.json(method, { status: 201 });
    }),
    api.post('*/portal/v1/payment-methods/:payment_method_id/default', ({ params }) => {
      const method = methods.find((m) => m.payment_method_id === params.payment_method_id);
      if (!method) return HttpResponse.json(errorBody('not_found', 'No such payment method.'), { status: 404 });
      // As the server lists them: the default first.
      methods = methods.map((m) => ({ ...m, is_default: m === method })).sort((a, b) => Number(b.is_default) - Number(a.is_default));
      return HttpResponse.json(methods[0]!);
    }),
    api.delete('*/portal/v1/payment-methods/:payment_method_id', async ({ params, request }) => {
      const method = methods.find((m) => m.payment_method_id === params.payment_method_id);
      if (!method) return HttpResponse.json(errorBody('not_found', 'No such payment method.'), { status: 404 });
      const text = await request.text();
      const { replacements = {} } = (text ? JSON.parse(text) : {}) as DeletePaymentMethodBody;
      // As the server: a card that pays subscriptions goes only with another of the customer's cards for each.
      const others = methods.filter((m) => m !== method);
      const wrong = Object.entries(replacements).find(([id, to]) => !method.subscription_ids.includes(id) || !others.some((m) => m.payment_method_id === to));
      if (wrong) {
        const issues = [{ path: `replacements.${wrong[0]}`, message: 'not one of your other saved cards' }];
        return HttpResponse.json(errorBody('invalid_request', 'Invalid replacements.', { issues }), { status: 400 });
      }
      if (method.subscription_ids.some((id) => !replacements[id])) {
        const subscriptions = method.subscription_ids.map((id) => ({ id, product_name: subscription.product.name, status: subscription.status }));
        return HttpResponse.json(errorBody('payment_method_in_use', 'This card pays a subscription.', { details: { subscriptions } }), { status: 409 });
      }
      // A removed default hands it on: to the card chosen for its first subscription, else the newest.
      const heir = method.is_default ? (replacements[method.subscription_ids[0] ?? ''] ?? others.at(-1)?.payment_method_id) : undefined;
      methods = others.map((m) => ({
        ...m,
        is_default: m.is_default || m.payment_method_id === heir,
        subscription_ids: [...m.subscription_ids, ...method.subscription_ids.filter((id) => replacements[id] === m.payment_method_id)],
      }));
      const to = methods.find((m) => m.payment_method_id === replacements[subscription.subscription_id]);
      if (to) subscription = { ...subscription, payment_method: { payment_method_id: to.payment_method_id, brand: to.brand, last4: to.last4 } };
      return new HttpResponse(null, { status: 204 });
    }),
    api.get('*/portal/v1/subscriptions/:subscription_id', ({ params }) =>
      params.subscription_id === subscription.subscription_id ? HttpResponse.json(subscription) : HttpResponse.json(errorBody('not_found', 'No such subscription.'), { status: 404 }),
    ),
    api.get('*/portal/v1/subscriptions/:subscription_id/dues', () => HttpResponse.json(dues())),
    api.post('*/portal/v1/subscriptions/:subscription_id/payment-method', async ({ request }) => {
      const key = request.headers.get('idempotency-key') ?? '';
      const { payment_method_id } = await request.json();
      const reply = replies.get(key) ?? charge(payment_method_id);
      if (key) replies.set(key, reply);
      return HttpResponse.json(reply.body as object, { status: reply.status });
    }),
    ...portalApi({ invoices }),
  ];
}

/** The states of `<dodo-payment-method-editor>`. */
export const paymentMethodScenarios = {
  /** An active subscription on a Mastercard; a Visa saved too. */
  active: (): HttpHandler[] =>
    paymentMethodsApi({
      methods: [card('pm_visa_4242', 'visa', '4242', { is_default: true }), { ...workingCard, subscription_ids: ['sub_pro'] }],
      subscription: subscriptionFixture('active', workingCard),
      declining: {},
    }),
  /** On hold after a failed renewal: 249,00 kr due; its card declines, the Mastercard pays. */
  onHold: (): HttpHandler[] => paymentMethodsApi(),
  /** On hold, and every saved card declines (insufficient funds). */
  allDecline: (): HttpHandler[] => paymentMethodsApi({ declining: { [failingCard.payment_method_id]: 'card_declined', [workingCard.payment_method_id]: 'insufficient_funds' } }),
  /** No subscription: the saved cards; the Visa pays an active subscription (kept while it is the only card). */
  saved: (): HttpHandler[] =>
    paymentMethodsApi({
      methods: [{ ...failingCard, last4: '4242', payment_method_id: 'pm_visa_4242' }, workingCard],
      subscription: subscriptionFixture('active'),
      declining: {},
    }),
  /** The dues charge is already in flight elsewhere (another tab): 409 `charge_in_progress`. */
  chargeInProgress: (): HttpHandler[] => [
    api.post('*/portal/v1/subscriptions/:subscription_id/payment-method', () =>
      HttpResponse.json(errorBody('charge_in_progress', 'A payment for this subscription is already being processed.'), { status: 409 }),
    ),
    ...paymentMethodsApi(),
  ],
  /** The cards never arrive. */
  loading: (): HttpHandler[] => [
    api.get('*/portal/v1/payment-methods', async () => {
      await delay('infinite');
      return HttpResponse.json({ items: [], next_cursor: null });
    }),
    ...paymentMethodsApi(),
  ],
  serverError: (): HttpHandler[] => [
    api.get('*/portal/v1/payment-methods', () => HttpResponse.json(errorBody('internal_error', 'Something went wrong.'), { status: 500 })),
    ...paymentMethodsApi(),
  ],
} satisfies Record<string, () => HttpHandler[]>;
