/**
 * Demo data: a branded business with test-mode customers and a believable invoice history, a
 * catalog and subscriptions, made through the same services the API uses (so numbering, tax,
 * charges through the sandbox processor and snapshots are the real ones).
 */
import type { CreateCustomerBody, CreateInvoiceBody, DemoSeeded } from '@dodo-portal/wire/schemas';
import { cryptoRandom, systemClock, type Clock, type Random } from './domain/ports.ts';
import { createSecretBox } from './domain/secret-box.ts';
import { createBusiness } from './services/businesses.ts';
import { createCustomer } from './services/customers.ts';
import { issueInvoice } from './services/invoices.ts';
import { createSandboxProcessor, SandboxCards } from './payments/sandbox.ts';
import type { BillingContext } from './services/charging.ts';
import { createCollection } from './services/collections.ts';
import { createProduct } from './services/products.ts';
import { createPurchase } from './services/payments.ts';
import { activateLicense, getLicenseKey, listLicenseKeys } from './services/license-keys.ts';
import { cancelSubscriptionsAtPeriodEnd, createSubscription, getSubscription, patchSubscription } from './services/subscriptions.ts';
import { disabledMailer } from './mail/mailer.ts';
import { createOutboxMailer, mailRouter } from './mail/outbox.ts';
import type { RenewalContext } from './services/renewals.ts';
import { createBackgroundTasks } from './services/background.ts';
import { createMailQueue } from './services/mail-queue.ts';
import { advanceTestClock } from './services/test-clock.ts';
import type { Store } from './store/index.ts';
import { sqlSandboxLedger } from './store/sandbox-ledger.ts';
import { updateBusinessSettings } from './store/business-settings.ts';
import type { Scope } from './store/scope.ts';
import { type Logger, serviceContext } from './runtime.ts';

export const DEMO_ALLOWED_ORIGINS = ['http://localhost:3000', 'http://127.0.0.1:3000'] as const;

export interface SeedDemoOptions {
  /** Added to the demo's allowed origins (localhost:3000 and 127.0.0.1:3000). */
  allowedOrigins?: string[];
  clock?: Clock;
  random?: Random;
  /** The server's public origin, for the magic link in Kenji's "on hold" email (default http://127.0.0.1:8787). */
  publicUrl?: string;
  logger?: Logger;
  /** The server secret the demo's license keys are sealed under (the one `serve` will use). */
  secret?: string;
}

const DAY_MS = 86_400_000;

/** The seed's stdout is its JSON: what it logs (e.g. the outbox's notice of Kenji's email) goes to stderr. */
const stderrLogger: Logger = {
  error: (message, details) => console.error(JSON.stringify({ level: 'error', message, ...details })),
  info: (message, details) => console.error(JSON.stringify({ level: 'info', message, ...details })),
};

type InvoicePlan = Omit<CreateInvoiceBody, 'customer_id'> & { daysAgo: number };

/** The demo customer's history: a monthly plan over about eight months, plus usage and add-ons. */
function demoHistory(): InvoicePlan[] {
  const plans: InvoicePlan[] = [];
  for (let month = 0; month < 8; month += 1) {
    const daysAgo = month * 30 + 2;
    plans.push({
      currency: 'USD',
      tax_rate_bps: 825,
      status: month === 0 ? 'open' : 'paid',
      line_items: [{ description: 'Pro plan (monthly)', quantity: 1, unit_amount: 4900 }],
      daysAgo,
    });
    plans.push({
      currency: 'USD',
      tax_rate_bps: 825,
      status: month === 0 ? 'open' : 'paid',
      line_items: [
        { description: 'Compute hours', quantity: 120 + month * 17, unit_amount: 12 },
        { description: 'Object storage (GB-month)', quantity: 40 + month * 3, unit_amount: 23 },
      ],
      daysAgo: daysAgo + 1,
    });
    plans.push({
      currency: 'USD',
      tax_rate_bps: 825,
      status: 'paid',
      line_items: month % 2 === 0 ? [{ description: 'Extra seats', quantity: 2 + month, unit_amount: 1500 }] : [{ description: 'Priority support add-on', quantity: 1, unit_amount: 9900 }],
      daysAgo: daysAgo + 12,
    });
  }
  plans.push({
    currency: 'USD',
    tax_rate_bps: 0,
    status: 'paid',
    line_items: [{ description: 'Onboarding workshop', quantity: 1, unit_amount: 25000 }],
    daysAgo: 8 * 30 + 5,
  });
  return plans;
}

export async function seedDemo(store: Store, options: SeedDemoOptions = {}): Promise<DemoSeeded> {
  const clock = options.clock ?? systemClock;
  const ctx = serviceContext(store, { clock, random: options.random ?? cryptoRandom, ...(options.secret ? { secrets: createSecretBox(options.secret) } : {}) });
  const { business, apiKeys } = await createBusiness(ctx, {
    name: 'Acme Cloud Inc.',
    allowedOrigins: [...DEMO_ALLOWED_ORIGINS, ...(options.allowedOrigins ?? [])],
    returnUrl: 'http://localhost:3000/account',
    defaultLocale: 'en-US',
    brand: { display_name: 'Acme Cloud', primary_color: '#4f46e5', logo_url: null },
  });
  const scope = { businessId: business.id, mode: 'test' as const };
  // The demo shows the plan switcher: customers may move between Starter, Pro and Business.
  await updateBusinessSettings(store.db, business.id, { allow_subscription_updates: true });

  const people: (CreateCustomerBody & { history: InvoicePlan[] })[] = [
    {
      email: 'ada@example.com',
      name: 'Ada Lovelace',
      phone_number: '+1 415 555 0100',
      locale: 'en-US',
      billing_address: { street: '500 Market Street', city: 'San Francisco', state: 'CA', zipcode: '94105', country: 'US' },
      history: demoHistory(),
    },
    {
      email: 'grace@example.com',
      name: 'Grace Hopper',
      locale: 'de-DE',
      billing_address: { street: 'Friedrichstraße 68', city: 'Berlin', state: '', zipcode: '10117', country: 'DE' },
      history: [
        { currency: 'EUR', tax_rate_bps: 1900, status: 'paid', line_items: [{ description: 'Team plan (monthly)', quantity: 1, unit_amount: 8900 }], daysAgo: 33 },
        { currency: 'EUR', tax_rate_bps: 1900, status: 'open', line_items: [{ description: 'Team plan (monthly)', quantity: 1, unit_amount: 8900 }], daysAgo: 3 },
      ],
    },
    {
      email: 'kenji@example.jp',
      name: 'Kenji Sato',
      locale: 'ja-JP',
      billing_address: { street: '1-1 Marunouchi', city: 'Chiyoda-ku', state: 'Tokyo', zipcode: '100-0005', country: 'JP' },
      history: [{ currency: 'JPY', tax_rate_bps: 1000, status: 'paid', line_items: [{ description: 'Starter plan', quantity: 1, unit_amount: 1980 }], daysAgo: 10 }],
    },
  ];

  const now = clock.now().getTime();
  const customers: DemoSeeded['customers'] = [];
  let invoiceCount = 0;
  for (const { history, ...body } of people) {
    const customer = await createCustomer(ctx, scope, body);
    customers.push({ customer_id: customer.customer_id, email: customer.email, name: customer.name });
    // Oldest first, so invoice numbers rise with the dates.
    for (const { daysAgo, ...invoice } of [...history].sort((a, b) => b.daysAgo - a.daysAgo)) {
      await issueInvoice(ctx, scope, { ...invoice, customer_id: customer.customer_id }, { issuedAt: new Date(now - daysAgo * DAY_MS) });
      invoiceCount += 1;
    }
  }

  const billing = await seedBilling(
    ctx,
    scope,
    customers.map((customer) => customer.customer_id),
  );

  // Kenji's renewal falls due within days: advance the demo's test clock to it, which runs the
  // renewal engine as `POST /v1/test-clock/advance` would — his card declines, so it goes on hold.
  const logger = options.logger ?? stderrLogger;
  // The renewal's email goes through the mail queue as on a server (test mode, no SMTP: the outbox).
  const background = createBackgroundTasks((name, error) => logger.error('background task failed', { task: name, error: String(error) }));
  const mailQueue = createMailQueue({ ctx, logger, smtp: disabledMailer, background, resolve: async () => undefined });
  const renewalContext: RenewalContext = {
    ...ctx,
    mailQueue,
    paymentProcessor: createSandboxProcessor({ clock, random: ctx.random, ledger: sqlSandboxLedger(store.db) }),
    livePaymentProcessor: undefined,
    mailerFor: mailRouter(disabledMailer, createOutboxMailer(ctx, logger)),
    publicUrl: (options.publicUrl ?? 'http://127.0.0.1:8787').replace(/\/+$/, ''),
    logger,
  };
  const kenji = await getSubscription(renewalContext, scope, billing.subscriptions.renewing_on_declining_card);
  const advanced = await advanceTestClock(renewalContext, scope, { to: kenji.current_period_end });
  await background.idle();
  mailQueue.stop();
  return {
    business_id: business.id,
    api_keys: apiKeys,
    demo_customer_id: customers[0]!.customer_id,
    customers,
    invoice_count: invoiceCount + billing.invoiceCount + advanced.renewals.renewed + advanced.renewals.on_hold,
    products: billing.products,
    collection_id: billing.collectionId,
    subscriptions: { ...billing.subscriptions, on_hold: billing.subscriptions.renewing_on_declining_card },
    test_clock: advanced.now,
  };
}

/**
 * The catalog and subscriptions: Starter/Pro/Business monthly tiers in one collection, a seat
 * add-on, a usage-based plan and a licensed one-time product. Ada has an active Pro subscription
 * with seats on a saved Visa; Grace had a Starter subscription she cancelled at the end of its
 * period; Kenji's Starter renews within days on card 4000 0000 0000 0341, which attaches but
 * declines every charge; seedDemo then advances the test clock so the renewal engine puts it on hold.
 */
async function seedBilling(base: ReturnType<typeof serviceContext>, scope: Scope, [ada, grace, kenji]: string[]) {
  const now = base.clock.now().getTime();
  const processor = createSandboxProcessor({ clock: base.clock, random: base.random, ledger: sqlSandboxLedger(base.store.db) });
  // Back-dated contexts: the services take "now" from the clock, as a real checkout then would have.
  const at = (daysAgo: number): BillingContext => ({ ...base, clock: { now: () => new Date(now - daysAgo * DAY_MS) }, paymentProcessor: processor });
  const ctx = at(0);
  const card = async (number: string) => (await processor.tokenize({ number, exp_month: 12, exp_year: new Date(now).getUTCFullYear() + 4, cvc: '123' })).token;
  const monthly = { billing_type: 'subscription' as const, currency: 'USD', interval: 'month' as const, tax_rate_bps: 825, is_addon: false };

  const starter = await createProduct(ctx, scope, { ...monthly, name: 'Starter', description: 'For individuals', price: 1900 });
  const pro = await createProduct(ctx, scope, { ...monthly, name: 'Pro', description: 'For growing teams', price: 4900 });
  const business = await createProduct(ctx, scope, { ...monthly, name: 'Business', description: 'For organisations', price: 9900 });
  const seat = await createProduct(ctx, scope, { ...monthly, name: 'Extra seat', price: 1500, is_addon: true });
  const compute = await createProduct(ctx, scope, {
    ...monthly,
    billing_type: 'usage_based',
    name: 'Compute',
    description: 'Billed per compute hour',
    price: 0,
    usage: { meter: 'compute_hours', unit_price: 12 },
  });
  const license = await createProduct(ctx, scope, {
    billing_type: 'one_time',
    name: 'Acme CLI Pro',
    description: 'Perpetual license, 3 machines',
    price: 14_900,
    currency: 'USD',
    tax_rate_bps: 825,
    is_addon: false,
    license_key: { activations_limit: 3, duration_days: null },
  });
  const collection = await createCollection(ctx, scope, { name: 'Acme Cloud plans', product_ids: [starter.product_id, pro.product_id, business.product_id] });

  const active = await createSubscription(ctx, scope, {
    customer_id: ada!,
    product_id: pro.product_id,
    quantity: 1,
    addons: [{ product_id: seat.product_id, quantity: 2 }],
    card_token: await card(SandboxCards.succeeds),
  });
  const ended = await createSubscription(at(40), scope, {
    customer_id: grace!,
    product_id: starter.product_id,
    quantity: 1,
    addons: [],
    card_token: await card(SandboxCards.mastercardSucceeds),
  });
  await patchSubscription(at(20), scope, ended.subscription_id, { cancel_at_period_end: true });
  await cancelSubscriptionsAtPeriodEnd(ctx, scope, new Date(now));
  const renewing = await createSubscription(at(26), scope, { customer_id: kenji!, product_id: starter.product_id, quantity: 1, addons: [], card_token: await card(SandboxCards.succeeds) });
  await patchSubscription(at(1), scope, renewing.subscription_id, { card_token: await card(SandboxCards.attachesThenDeclines) });

  // Ada's license vault: a one-time purchase of two licensed products, one key each, and the
  // desktop app already activated on one of her three machines.
  const desktop = await createProduct(ctx, scope, {
    billing_type: 'one_time',
    name: 'Acme Desktop license',
    description: 'One year of updates, 3 machines',
    price: 9_900,
    currency: 'USD',
    tax_rate_bps: 825,
    is_addon: false,
    license_key: { activations_limit: 3, duration_days: 365 },
  });
  await createPurchase(at(12), scope, {
    customer_id: ada!,
    items: [
      { product_id: desktop.product_id, quantity: 1 },
      { product_id: license.product_id, quantity: 1 },
    ],
    card_token: await card(SandboxCards.succeeds),
  });
  const adaKeys = await listLicenseKeys(ctx, scope, { limit: 10, customerId: ada! });
  const desktopKey = adaKeys.items.find((key) => key.product_id === desktop.product_id)!;
  await activateLicense(ctx, { license_key: (await getLicenseKey(ctx, scope, desktopKey.license_key_id)).key!, name: 'Ada’s MacBook Pro' });

  return {
    products: {
      starter: starter.product_id,
      pro: pro.product_id,
      business: business.product_id,
      extra_seat: seat.product_id,
      compute: compute.product_id,
      license: license.product_id,
    },
    collectionId: collection.collection_id,
    subscriptions: { active: active.subscription_id, cancelled: ended.subscription_id, renewing_on_declining_card: renewing.subscription_id },
    invoiceCount: 4,
  };
}
