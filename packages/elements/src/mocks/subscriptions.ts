/**
 * msw handlers for subscriptions, plan changes and the profile (issue 5), typed from the wire
 * contract: a small stateful portal API (cancel, resume and change-plan change what later calls
 * return) for the component tests and Storybook. The proration here is a stand-in with a fixed
 * half period left; the real rules are the server's and are tested there.
 */
import { delay, http, HttpResponse, type HttpHandler } from 'msw';
import { api } from './api.ts';
import type {
  ChangePlanBody,
  ChangePlanPreview,
  ChangePlanResult,
  Dues,
  ErrorBody,
  Invoice,
  Payment,
  PlanOptions,
  PortalProduct,
  PortalSubscription,
  PortalSubscriptionPage,
  Profile,
  SubscriptionAction,
} from '@dodo-portal/wire/schemas';
import { EXPIRED_SESSION_TOKEN, MOCK_LOGIN_URL, portalApi } from './portal-api.ts';

const product = (product_id: string, name: string, price: number): PortalProduct => ({
  product_id,
  name,
  description: null,
  billing_type: 'subscription',
  price,
  currency: 'USD',
  interval: 'month',
  interval_count: 1,
  tax_rate_bps: 2500,
});

/** The collection Basic → Pro → Enterprise, and one add-on. */
export const plans = {
  basic: product('prod_basic', 'Basic', 1_000),
  pro: product('prod_pro', 'Pro', 3_000),
  enterprise: product('prod_enterprise', 'Enterprise', 9_000),
  seat: product('prod_seat', 'Extra seat', 500),
  storage: product('prod_storage', 'Storage', 1_900),
};
const tiers = [plans.basic, plans.pro, plans.enterprise];

const PERIOD_START = '2026-11-01T00:00:00.000Z';
const PERIOD_END = '2026-12-01T00:00:00.000Z';

function subscription(id: string, plan: PortalProduct, overrides: Partial<PortalSubscription> = {}): PortalSubscription {
  const base: PortalSubscription = {
    subscription_id: id,
    customer_id: 'cus_ada',
    product_id: plan.product_id,
    quantity: 1,
    status: 'active',
    currency: plan.currency,
    interval: 'month',
    interval_count: 1,
    current_period_start: PERIOD_START,
    current_period_end: PERIOD_END,
    next_billing_date: PERIOD_END,
    cancel_at_period_end: false,
    cancelled_at: null,
    payment_method: { payment_method_id: 'pm_visa', brand: 'visa', last4: '4242' },
    addons: [],
    created_at: '2026-01-01T00:00:00.000Z',
    product: plan,
    addon_items: [],
    recurring_amount: plan.price,
    collection_id: tiers.includes(plan) ? 'col_plans' : null,
    actions: [],
  };
  return { ...base, ...overrides };
}

/** Active on Pro with two extra seats; scheduled to cancel; on hold; cancelled. */
export function sampleSubscriptions(): PortalSubscription[] {
  return [
    subscription('sub_pro', plans.pro, {
      addons: [{ product_id: plans.seat.product_id, quantity: 2 }],
      addon_items: [{ product: plans.seat, quantity: 2 }],
      recurring_amount: plans.pro.price + 2 * plans.seat.price,
    }),
    subscription('sub_scheduled', plans.basic, { cancel_at_period_end: true, next_billing_date: null }),
    subscription('sub_hold', plans.storage, { status: 'on_hold', payment_method: { payment_method_id: 'pm_mc', brand: 'mastercard', last4: '4444' } }),
    subscription('sub_old', plans.enterprise, {
      status: 'cancelled',
      cancelled_at: '2026-06-15T00:00:00.000Z',
      next_billing_date: null,
      payment_method: null,
    }),
  ];
}

export const sampleProfile: Profile = {
  customer_id: 'cus_ada',
  name: 'Ada Lovelace',
  email: 'ada@example.com',
  phone_number: '+46 70 123 45 67',
  billing_address: { street: 'Drottninggatan 1', city: 'Stockholm', state: '', zipcode: '111 51', country: 'SE' },
  credit_balances: [],
};

export interface SubscriptionApiOptions {
  subscriptions?: PortalSubscription[];
  profile?: Profile;
  /** The business's `allow_cancellation`. */
  allowCancellation?: boolean;
  /** The business's `allow_subscription_updates`. */
  allowUpdates?: boolean;
  /** change-plan answers 402 `payment_failed` with this decline code. */
  decline?: string;
  /** PATCH /profile answers 400 with these issues. */
  profileIssues?: { path: string; message: string }[];
  /**
   * The invoice and payment lists another handler serves (e.g. `paymentsApi({invoices, payments})`):
   * a charged plan change puts its invoice and payment first, as the server would.
   */
  ledger?: { invoices: Invoice[]; payments: Payment[] };
}

const errorResponse = (status: number, code: string, message: string, extra: Partial<ErrorBody['error']> = {}) =>
  HttpResponse.json({ error: { code, message, ...extra } } satisfies ErrorBody, { status });

function authFailure(request: Request): Response | null {
  const token = /^Bearer (.+)$/.exec(request.headers.get('authorization') ?? '')?.[1];
  if (!token) return errorResponse(401, 'unauthorized', 'Missing session token.');
  if (token === EXPIRED_SESSION_TOKEN) return errorResponse(401, 'session_expired', 'The portal session has expired.', { login_url: MOCK_LOGIN_URL });
  return null;
}

/** Round halves away from zero, like the server. */
const round = (value: number) => Math.sign(value) * Math.round(Math.abs(value));
/** The stand-in's share of the period left. */
const LEFT = 0.5;

/**
 * A working subscriptions + profile API over copies of `subscriptions` and `profile`. Every call
 * needs a token; `EXPIRED_SESSION_TOKEN` gets 401 `session_expired`.
 */
export function subscriptionApi(options: SubscriptionApiOptions = {}): HttpHandler[] {
  const { allowCancellation = true, allowUpdates = true } = options;
  const items = structuredClone(options.subscriptions ?? sampleSubscriptions());
  const profile = structuredClone(options.profile ?? sampleProfile);

  const actions = (item: PortalSubscription): SubscriptionAction[] => {
    if (item.status === 'on_hold') return ['update_payment_method', 'pay_dues'];
    if (item.status !== 'active') return [];
    if (item.cancel_at_period_end) return ['resume', 'update_payment_method'];
    return [...(allowUpdates && item.collection_id ? (['change_plan'] as const) : []), ...(allowCancellation ? (['cancel'] as const) : []), 'update_payment_method'];
  };
  const view = (item: PortalSubscription): PortalSubscription => ({ ...item, actions: actions(item) });
  const find = (id: unknown) => items.find((item) => item.subscription_id === id);
  const notFound = () => errorResponse(404, 'not_found', 'No such subscription.');
  const credit = () => profile.credit_balances.find((balance) => balance.currency === 'USD')?.amount ?? 0;

  /** Lines of the change: the unused share of every old line back, the remaining share of every new line. */
  function quote(item: PortalSubscription, body: ChangePlanBody): ChangePlanPreview {
    const plan = tiers.find((tier) => tier.product_id === body.product_id)!;
    const quantity = body.quantity ?? item.quantity;
    const addons = body.addons ?? item.addons;
    const lines: ChangePlanPreview['immediate_charge']['line_items'] = [
      { description: `Unused time on ${item.product.name}`, amount: -round(item.product.price * item.quantity * LEFT) },
      ...item.addon_items.map((addon) => ({ description: `Unused time on ${addon.product.name}`, amount: -round(addon.product.price * addon.quantity * LEFT) })),
      { description: `Remaining time on ${plan.name}`, amount: round(plan.price * quantity * LEFT) },
      ...addons.map((addon) => ({ description: `Remaining time on ${plans.seat.name}`, amount: round(plans.seat.price * addon.quantity * LEFT) })),
    ];
    const subtotal = lines.reduce((sum, line) => sum + line.amount, 0);
    const tax = subtotal > 0 ? round(subtotal * 0.25) : 0;
    const due = Math.max(subtotal + tax, 0);
    const applied = Math.min(credit(), due);
    return {
      immediate_charge: { line_items: lines, subtotal, tax, credit_applied: applied, total: due - applied, currency: 'USD' },
      credit_to_balance: subtotal < 0 ? -subtotal : 0,
      next_billing_date: item.current_period_end,
      product_id: plan.product_id,
      quantity,
      addons: addons.map(({ product_id, quantity: count }) => ({ product_id, quantity: count })),
    };
  }

  /** The refusals of change-plan and its preview, in the server's order. */
  function refusal(item: PortalSubscription, body: ChangePlanBody): Response | null {
    if (!allowUpdates) return errorResponse(403, 'subscription_updates_disabled', 'Plan changes are disabled.');
    if (item.status === 'on_hold') return errorResponse(409, 'subscription_on_hold', 'Pay the dues first.');
    if (item.status !== 'active') return errorResponse(409, 'subscription_ended', 'The subscription has ended.');
    if (!tiers.some((tier) => tier.product_id === body.product_id)) return errorResponse(422, 'product_not_in_collection', 'Not in the collection.');
    const next = quote(item, body);
    const same = next.product_id === item.product_id && next.quantity === item.quantity && JSON.stringify(next.addons) === JSON.stringify(item.addons.filter((addon) => addon.quantity > 0));
    return same ? errorResponse(409, 'no_change', 'That is the current plan.') : null;
  }

  return [
    api.get('*/portal/v1/subscriptions', ({ request }) => {
      const body: PortalSubscriptionPage = { items: items.map(view), next_cursor: null };
      return authFailure(request) ?? HttpResponse.json(body);
    }),
    api.get('*/portal/v1/subscriptions/:subscription_id', ({ request, params }) => {
      const item = find(params.subscription_id);
      return authFailure(request) ?? (item ? HttpResponse.json(view(item)) : notFound());
    }),
    api.get('*/portal/v1/subscriptions/:subscription_id/dues', ({ request, params }) => {
      const item = find(params.subscription_id);
      if (!item) return authFailure(request) ?? notFound();
      const owed = item.status === 'on_hold' ? item.recurring_amount + round(item.recurring_amount * 0.25) : 0;
      const body: Dues = { amount: owed, currency: item.currency, invoice_ids: owed ? ['inv_hold'] : [] };
      return authFailure(request) ?? HttpResponse.json(body);
    }),
    api.post('*/portal/v1/subscriptions/:subscription_id/cancel', async ({ request, params }) => {
      const failure = authFailure(request);
      if (failure) return failure;
      const item = find(params.subscription_id);
      if (!item) return notFound();
      if (!allowCancellation) return errorResponse(403, 'cancellation_disabled', 'Cancellation is disabled.');
      if (item.status === 'cancelled' || item.status === 'expired') return errorResponse(409, 'subscription_ended', 'Already ended.');
      const body = await request.json();
      if (body.when === 'immediately') {
        Object.assign(item, { status: 'cancelled', cancelled_at: new Date().toISOString(), next_billing_date: null });
      } else {
        Object.assign(item, { cancel_at_period_end: true, next_billing_date: null });
      }
      return HttpResponse.json(view(item));
    }),
    api.post('*/portal/v1/subscriptions/:subscription_id/resume', ({ request, params }) => {
      const failure = authFailure(request);
      if (failure) return failure;
      const item = find(params.subscription_id);
      if (!item) return notFound();
      if (!item.cancel_at_period_end) return errorResponse(409, 'not_scheduled_to_cancel', 'Nothing to undo.');
      Object.assign(item, { cancel_at_period_end: false, next_billing_date: item.current_period_end });
      return HttpResponse.json(view(item));
    }),
    api.get('*/portal/v1/subscriptions/:subscription_id/plan-options', ({ request, params }) => {
      const failure = authFailure(request);
      if (failure) return failure;
      const item = find(params.subscription_id);
      if (!item) return notFound();
      const current = tiers.findIndex((tier) => tier.product_id === item.product_id);
      const body: PlanOptions = {
        subscription_id: item.subscription_id,
        collection_id: item.collection_id,
        current: { ...item.product, tier: current },
        items: tiers.map((tier, index) => ({ ...tier, tier: index, direction: index > current ? ('upgrade' as const) : ('downgrade' as const) })).filter((tier) => tier.tier !== current),
        next_cursor: null,
        addons: [plans.seat],
      };
      return HttpResponse.json(body);
    }),
    api.post('*/portal/v1/subscriptions/:subscription_id/change-plan/preview', async ({ request, params }) => {
      const failure = authFailure(request);
      if (failure) return failure;
      const item = find(params.subscription_id);
      if (!item) return notFound();
      const body = await request.json();
      return refusal(item, body) ?? HttpResponse.json(quote(item, body));
    }),
    api.post('*/portal/v1/subscriptions/:subscription_id/change-plan', async ({ request, params }) => {
      const failure = authFailure(request);
      if (failure) return failure;
      const item = find(params.subscription_id);
      if (!item) return notFound();
      const body = await request.json();
      const refused = refusal(item, body);
      if (refused) return refused;
      const next = quote(item, body);
      if (options.decline && next.immediate_charge.total > 0) {
        return errorResponse(402, 'payment_failed', 'The card was declined.', { decline_code: options.decline });
      }
      const plan = tiers.find((tier) => tier.product_id === next.product_id)!;
      Object.assign(item, {
        product_id: plan.product_id,
        product: plan,
        quantity: next.quantity,
        addons: next.addons,
        addon_items: next.addons.map((addon) => ({ product: plans.seat, quantity: addon.quantity })),
        recurring_amount: plan.price * next.quantity + next.addons.reduce((sum, addon) => sum + plans.seat.price * addon.quantity, 0),
      });
      const balance = profile.credit_balances.find((entry) => entry.currency === 'USD');
      const remaining = credit() - next.immediate_charge.credit_applied + next.credit_to_balance;
      if (balance) balance.amount = remaining;
      else if (remaining > 0) profile.credit_balances.push({ currency: 'USD', amount: remaining });
      const charge = next.immediate_charge;
      const at = new Date().toISOString();
      const result: ChangePlanResult = {
        subscription: view(item),
        invoice:
          charge.total > 0
            ? {
                invoice_id: `inv_change_${(options.ledger?.invoices.length ?? 0) + 1}`,
                number: `INV-${String(100 + (options.ledger?.invoices.length ?? 0)).padStart(6, '0')}`,
                status: 'paid',
                currency: 'USD',
                subtotal: charge.subtotal,
                tax: charge.tax,
                total: charge.total,
                issued_at: new Date().toISOString(),
                paid_at: new Date().toISOString(),
                customer_id: 'cus_ada',
                subscription_id: item.subscription_id,
                line_items: charge.line_items.map((line) => ({ description: line.description, quantity: 1, unit_amount: line.amount, amount: line.amount, tax_rate_bps: 2500 })),
                billing_address: profile.billing_address,
              }
            : null,
        payment: null,
        credit_to_balance: next.credit_to_balance,
      };
      if (result.invoice && options.ledger) {
        const { invoice_id, subscription_id, total: amount, currency } = result.invoice;
        result.payment = {
          payment_id: `pay_${invoice_id}`,
          customer_id: 'cus_ada',
          invoice_id,
          subscription_id,
          amount,
          amount_refunded: 0,
          currency,
          status: 'succeeded',
          decline_code: null,
          failure_message: null,
          card: { brand: 'visa', last4: '4242' },
          refunds: [],
          created_at: at,
        };
        options.ledger.invoices.unshift(result.invoice);
        options.ledger.payments.unshift(result.payment);
      }
      return HttpResponse.json(result);
    }),
    api.get('*/portal/v1/profile', ({ request }) => authFailure(request) ?? HttpResponse.json(profile)),
    api.patch('*/portal/v1/profile', async ({ request }) => {
      const failure = authFailure(request);
      if (failure) return failure;
      if (options.profileIssues) {
        return errorResponse(400, 'invalid_request', `Invalid request body: ${options.profileIssues[0]?.path}.`, { issues: options.profileIssues });
      }
      const body = await request.json();
      if (body.name !== undefined) profile.name = body.name;
      if (body.billing_address !== undefined) profile.billing_address = body.billing_address;
      return HttpResponse.json(profile);
    }),
    // Session info and invoices, for the `<dodo-portal>` around the elements.
    ...portalApi(options.ledger ? { invoices: options.ledger.invoices } : {}),
  ];
}

/** Named states of the subscription manager, plan switcher and profile. */
export const subscriptionScenarios = {
  list: (): HttpHandler[] => subscriptionApi(),
  empty: (): HttpHandler[] => subscriptionApi({ subscriptions: [] }),
  /** Nothing ever arrives: the skeletons stay. */
  loading: (): HttpHandler[] => [
    http.all('*/portal/v1/subscriptions*', async () => {
      await delay('infinite');
      return new HttpResponse(null, { status: 204 });
    }),
    api.get('*/portal/v1/profile', async () => {
      await delay('infinite');
      return new HttpResponse(null, { status: 204 });
    }),
    ...portalApi(),
  ],
  serverError: (): HttpHandler[] => [
    http.all('*/portal/v1/subscriptions*', () => errorResponse(500, 'internal_error', 'Something went wrong.')),
    http.all('*/portal/v1/profile', () => errorResponse(500, 'internal_error', 'Something went wrong.')),
    ...portalApi(),
  ],
  /** The business turned off plan changes: no Change plan, a notice in the switcher. */
  updatesDisabled: (): HttpHandler[] => subscriptionApi({ allowUpdates: false }),
  /** Every charge of a plan change is declined for insufficient funds. */
  paymentFailed: (): HttpHandler[] => subscriptionApi({ decline: 'insufficient_funds' }),
  /** $12.50 of credit, spent first on the next charge. */
  withCredit: (): HttpHandler[] => subscriptionApi({ profile: { ...sampleProfile, credit_balances: [{ currency: 'USD', amount: 1_250 }] } }),
  /** PATCH /profile refuses the postal code. */
  profileRejected: (): HttpHandler[] => subscriptionApi({ profileIssues: [{ path: 'billing_address.zipcode', message: 'is not a postal code of SE' }] }),
} satisfies Record<string, () => HttpHandler[]>;
