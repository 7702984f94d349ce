/**
 * Plan changes from the portal: the tier ladder (`plan-options`), the exact preview, and the
 * change itself, which charges exactly what the preview showed (same state, same instant).
 *
 * Never charge twice, never charge without changing:
 * 1. The change is priced against the subscription's `plan_version`, then claimed with a
 *    conditional UPDATE on that version (store/plan-changes.ts). Of two racing requests one
 *    claims; the other waits for the claim to settle, prices again on the new state and gets
 *    409 `no_change` (or a fresh price for a different change).
 * 2. Under the claim, credit is spent (a conditional UPDATE), then the card is charged.
 * 3. A decline gives the credit back, drops the claim and answers 402: the plan is unchanged and
 *    the failed payment stays recorded. A success settles the new plan, the invoice, the payment
 *    and any new credit in one transaction, only while the claim is still held.
 */
import { ErrorCode, PortalErrorCode, type ChangePlanBody, type ChangePlanPreview, type ChangePlanResult, type PlanOptions, type Product, type Subscription } from '@dodo-portal/wire/schemas';
import { addonFitsPlan, type PricedPurchase } from '../domain/catalog.ts';
import { DomainError } from '../domain/errors.ts';
import { checkPlanChange, quotedInstant } from '../domain/plan-change.ts';
import { IdPrefix, isId, newId } from '../domain/ids.ts';
import { toTimestamp } from '../domain/ports.ts';
import { planLadder } from '../domain/plans.ts';
import { requireActive } from '../domain/subscription-actions.ts';
import { periodsAfterChange, quoteChange, type PeriodsAfterChange, type ProrationQuote } from '../domain/proration.ts';
import { planChangedEmail } from '../mail/templates.ts';
import { findBusinessSettings, type BusinessSettingsRecord } from '../store/business-settings.ts';
import { findCollection } from '../store/collections.ts';
import { addCredit, creditBalance } from '../store/credits.ts';
import { findCustomer } from '../store/customers.ts';
import { sql, type Transaction } from 'kysely';
import { findInvoice } from '../store/invoices.ts';
import { findPayment } from '../store/payments.ts';
import type { Database } from '../store/schema.ts';
import { findAddonProducts, replaceAddons, subscriptionVersion } from '../store/plan-changes.ts';
import { findProducts } from '../store/products.ts';
import type { Scope } from '../store/scope.ts';
import { findSubscription, findSubscriptionRow } from '../store/subscriptions.ts';
import { resolveCardSource, type BillingContext } from './charging.ts';
import { creditLine, spendUpTo } from './credits.ts';
import { realNow } from '../runtime.ts';
import { getPortalSubscription, notifyCustomer, requireOwnSubscription, toPortalProduct, type PortalContext } from './portal-subscriptions.ts';
import { releaseLock, runCharge, settleLock, takeBillingLock, type HeldLock } from './settlement.ts';
import { emitEvent } from './webhooks.ts';

export interface PlanChangeContext extends PortalContext, BillingContext {}

/** How long a change waits for a concurrent one (or a renewal) on the same subscription. */
const WAIT_MS = 15_000;
const POLL_MS = 20;

const updatesDisabled = () =>
  new DomainError(PortalErrorCode.subscriptionUpdatesDisabled, 'This business does not let customers change plans in the portal. Contact them to change your plan.');

/** The tiers of the subscription's collection, lowest first, and the add-ons it may carry. */
export async function planOptions(ctx: PlanChangeContext, scope: Scope, customerId: string, subscriptionId: string): Promise<PlanOptions> {
  const subscription = await requireOwnSubscription(ctx, scope, customerId, subscriptionId);
  const plan = (await findProducts(ctx.store.db, scope, [subscription.product_id])).get(subscription.product_id);
  if (!plan) throw new Error(`subscription ${subscriptionId}: its product is gone`);
  const ladder = plan.collection_id ? ((await findCollection(ctx.store.db, scope, plan.collection_id))?.products ?? []) : [plan];
  const { tier, options } = planLadder(ladder, plan, subscription.currency);
  return {
    subscription_id: subscription.subscription_id,
    collection_id: plan.collection_id,
    current: { ...toPortalProduct(plan), tier },
    items: options.map((option) => ({ ...toPortalProduct(option.product), tier: option.tier, direction: option.direction })),
    next_cursor: null,
    addons: (await findAddonProducts(ctx.store.db, scope)).filter((addon) => addonFitsPlan(addon, plan)).map(toPortalProduct),
  };
}

/** A change, checked and priced at one instant against one version of the subscription. */
interface PricedChange {
  subscription: Subscription;
  version: number;
  settings: BusinessSettingsRecord;
  oldPlan: Product;
  newPlan: Product;
  quantity: number;
  addons: { product: Product; quantity: number }[];
  quote: ProrationQuote;
  periods: PeriodsAfterChange;
  at: Date;
}

/** Checks the request against the subscription as it is now, in the order the portal documents, and prices it. */
async function priceChange(ctx: PlanChangeContext, scope: Scope, customerId: string, subscriptionId: string, body: ChangePlanBody): Promise<PricedChange> {
  // The version is read BEFORE the state it prices, in separate statements (READ COMMITTED on
  // PostgreSQL sees each commit as it lands). A change that settles between the reads then shows
  // as a newer state under an older version, and the claim on that version fails; read after,
  // a stale state (the old plan) would pass for the new version and be charged a second time.
  const version = await subscriptionVersion(ctx.store.db, subscriptionId);
  const subscription = await requireOwnSubscription(ctx, scope, customerId, subscriptionId);
  const settings = await findBusinessSettings(ctx.store.db, scope.businessId);
  if (!settings?.allow_subscription_updates) throw updatesDisabled();
  requireActive(subscription);
  const row = await findSubscriptionRow(ctx.store.db, scope, subscription.subscription_id);
  if (!row || !version) throw new Error(`subscription ${subscriptionId} vanished`);

  const wantedAddons = body.addons ?? subscription.addons;
  const ids = [subscription.product_id, body.product_id, ...subscription.addons.map((addon) => addon.product_id), ...wantedAddons.map((addon) => addon.product_id)];
  const products = await findProducts(
    ctx.store.db,
    scope,
    ids.filter((id) => isId(IdPrefix.product, id)),
  );
  const oldPlan = products.get(subscription.product_id);
  if (!oldPlan) throw new Error(`subscription ${subscriptionId}: its product is gone`);
  const { newPlan, quantity, addons, lines } = checkPlanChange(
    { plan: oldPlan, quantity: subscription.quantity, currency: subscription.currency, addons: subscription.addons },
    { product_id: body.product_id, quantity: body.quantity, addons: body.addons },
    products,
  );
  const sameInterval = newPlan.interval === subscription.interval && (newPlan.interval_count ?? 1) === subscription.interval_count;
  const period = { start: new Date(subscription.current_period_start), end: new Date(subscription.current_period_end) };
  const at = body.prorated_at === undefined ? ctx.clock.now() : quotedInstant(body.prorated_at, ctx.clock.now(), period.start);
  const quote = quoteChange({
    mode: settings.proration_billing_mode,
    sameInterval,
    period,
    at,
    lines,
    creditBalance: await creditBalance(ctx.store.db, scope, customerId, subscription.currency),
  });
  const periods = periodsAfterChange({
    mode: settings.proration_billing_mode,
    sameInterval,
    current: { anchor: new Date(row.billing_anchor), periodIndex: Number(row.period_index), period },
    at,
    interval: newPlan.interval!,
    intervalCount: newPlan.interval_count ?? 1,
  });
  return { subscription, version: version.plan_version, settings, oldPlan, newPlan, quantity, addons, quote, periods, at };
}

function toPreview(change: PricedChange): ChangePlanPreview {
  const { quote } = change;
  return {
    immediate_charge: {
      line_items: quote.line_items.map((line) => ({
        description: line.description,
        description_key: line.description_key,
        description_params: line.description_params,
        amount: line.amount,
        product_id: line.product_id,
      })),
      subtotal: quote.subtotal,
      tax: quote.tax,
      credit_applied: quote.credit_applied,
      total: quote.total,
      currency: change.subscription.currency,
    },
    credit_to_balance: quote.credit_to_balance,
    next_billing_date: toTimestamp(change.periods.nextBillingDate),
    product_id: change.newPlan.product_id,
    quantity: change.quantity,
    addons: change.addons.map((addon) => ({ product_id: addon.product.product_id, quantity: addon.quantity })),
    prorated_at: toTimestamp(change.at),
  };
}

/** `POST …/change-plan/preview`: exactly what `change-plan` charges now, and what becomes credit. */
export async function previewPlanChange(ctx: PlanChangeContext, scope: Scope, customerId: string, subscriptionId: string, body: ChangePlanBody): Promise<ChangePlanPreview> {
  return toPreview(await priceChange(ctx, scope, customerId, subscriptionId, body));
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The invoice of a change: its proration lines, then the credit spent, totalling what the card paid. */
function changeInvoice(change: PricedChange): PricedPurchase {
  const { quote, periods } = change;
  const period = { start: toTimestamp(change.at), end: toTimestamp(periods.period.end) };
  const lines = quote.line_items.map((line) => ({
    description: line.description,
    description_key: line.description_key,
    description_params: line.description_params,
    quantity: 1,
    unit_amount: line.amount,
    amount: line.amount,
    tax_rate_bps: line.tax_rate_bps,
    period,
  }));
  return {
    line_items: quote.credit_applied > 0 ? [...lines, creditLine(quote.credit_applied)] : lines,
    subtotal: quote.subtotal - quote.credit_applied,
    tax: quote.tax,
    total: quote.total,
    currency: change.subscription.currency,
    tax_rate_bps: change.newPlan.tax_rate_bps,
  };
}

/** `POST …/change-plan`: charges the previewed total and moves the subscription, or changes nothing. */
export async function changePlan(ctx: PlanChangeContext, scope: Scope, customerId: string, subscriptionId: string, body: ChangePlanBody): Promise<ChangePlanResult> {
  const giveUpAt = realNow(ctx).getTime() + WAIT_MS;
  let change: PricedChange;
  let lock: HeldLock<'subscriptions'> | undefined;
  for (;;) {
    change = await priceChange(ctx, scope, customerId, subscriptionId, body);
    const now = realNow(ctx);
    lock = await takeBillingLock(ctx, 'subscriptions', change.subscription.subscription_id, {
      business_id: scope.businessId,
      mode: scope.mode,
      status: 'active',
      plan_version: change.version,
      current_period_end: change.subscription.current_period_end,
    });
    if (lock) break;
    // Another change or a renewal holds it, or it just moved on: wait, then price it again as it is then.
    if (now.getTime() > giveUpAt) throw new DomainError(PortalErrorCode.chargeInProgress, 'A charge for this subscription is in progress. Retry shortly.');
    await sleep(POLL_MS);
  }
  const held = lock;

  const id = change.subscription.subscription_id;
  // Records are dated now; the proration itself is priced at the change's instant (`prorated_at`).
  const issuedAt = toTimestamp(ctx.clock.now());
  const { quote, periods } = change;
  const currency = change.subscription.currency;
  let creditSpent = 0;
  // Nothing was taken from the card: the credit spent for this change goes back.
  const returnCredit = async (trx: Transaction<Database>) => {
    if (creditSpent > 0) {
      await addCredit(trx, scope, {
        id: newId(IdPrefix.creditEntry, ctx.random),
        customerId,
        currency,
        amount: creditSpent,
        reason: 'plan_change_returned',
        subscriptionId: id,
        invoiceId: null,
        at: issuedAt,
      });
    }
  };
  try {
    if (quote.credit_applied > 0) {
      creditSpent = await ctx.store.db
        .transaction()
        .execute((trx) => spendUpTo(trx, ctx, scope, { customerId, currency, upTo: quote.credit_applied, reason: 'plan_change_spent', subscriptionId: id, at: issuedAt }));
      // The balance shrank since pricing (another charge spent it): price again rather than charge more than shown.
      if (creditSpent !== quote.credit_applied) throw new CreditMovedError();
    }
  } catch (error) {
    await ctx.store.db.transaction().execute(async (trx) => {
      await returnCredit(trx);
      await releaseLock(trx, held);
    });
    if (error instanceof CreditMovedError) return changePlan(ctx, scope, customerId, subscriptionId, body);
    throw error;
  }

  const invoiceId = quote.subtotal > 0 ? newId(IdPrefix.invoice, ctx.random) : null;
  const customer = await findCustomer(ctx.store.db, scope, customerId);
  // Keys follow the plan (`replace`): a licensed plan or add-on switched to gets its key with the
  // change, as with a new subscription (a product that still has an active key keeps it); the keys
  // of products the subscription no longer has are disabled, so a short upgrade leaves no key behind.
  const lines = [{ product: change.newPlan, quantity: change.quantity }, ...change.addons];
  const outcome = await runCharge(ctx, {
    kind: 'plan_change',
    scope,
    lock: held,
    charge: {
      customerId,
      amount: quote.total,
      currency,
      description: change.newPlan.product_id === change.oldPlan.product_id ? `${change.newPlan.name}: plan change` : `${change.oldPlan.name} → ${change.newPlan.name}`,
      card: async () => {
        const paymentMethodId = (await findSubscriptionRow(ctx.store.db, scope, id))?.payment_method_id;
        if (!paymentMethodId) throw new DomainError(ErrorCode.paymentFailed, 'The subscription has no payment method: add a card first.', { declineCode: 'no_payment_method' });
        return resolveCardSource(ctx, scope, customerId, { payment_method_id: paymentMethodId });
      },
    },
    undo: returnCredit,
    declined: { link: { subscription_id: id } },
    settle: {
      what: `subscription ${id}: the plan change`,
      at: issuedAt,
      hold: async (trx) => {
        const moved = await settleLock(
          trx,
          held,
          { status: 'active' },
          {
            product_id: change.newPlan.product_id,
            quantity: change.quantity,
            interval: change.newPlan.interval!,
            interval_count: change.newPlan.interval_count ?? 1,
            billing_anchor: toTimestamp(periods.anchor),
            period_index: periods.periodIndex,
            current_period_start: toTimestamp(periods.period.start),
            current_period_end: toTimestamp(periods.period.end),
            plan_version: sql<number>`plan_version + 1`,
            updated_at: issuedAt,
          },
        );
        if (moved)
          await replaceAddons(
            trx,
            id,
            change.addons.map((addon) => ({ product_id: addon.product.product_id, quantity: addon.quantity })),
          );
        return moved;
      },
      invoice: invoiceId
        ? { id: invoiceId, customerId, billingAddress: customer?.billing_address ?? null, priced: changeInvoice(change), at: issuedAt, paid: true, subscriptionId: id }
        : undefined,
      creditSpent: creditSpent > 0 ? { subscriptionId: id, reason: 'plan_change_spent' } : undefined,
      payment: { subscription_id: id },
      also: async (trx) => {
        if (quote.credit_to_balance > 0) {
          await addCredit(trx, scope, {
            id: newId(IdPrefix.creditEntry, ctx.random),
            customerId,
            currency,
            amount: quote.credit_to_balance,
            reason: 'plan_change_credit',
            subscriptionId: id,
            invoiceId: null,
            at: issuedAt,
          });
        }
      },
      licenseKeys: { customerId, lines, subscriptionId: id, replace: true },
      events: [
        'license_key.created',
        'payment.succeeded',
        async (trx, settled) => {
          const changed = await findSubscription(trx, scope, id);
          if (!changed) return;
          await emitEvent(trx, ctx, scope, 'subscription.plan_changed', {
            ...changed,
            previous: { product_id: change.oldPlan.product_id, quantity: change.subscription.quantity, addons: change.subscription.addons },
            invoice_id: settled.invoiceId,
            payment_id: settled.paymentId,
            credit_to_balance: quote.credit_to_balance,
          });
        },
      ],
      notify: async () => {
        const subscription = await getPortalSubscription(ctx, scope, customerId, id);
        await notifyCustomer(ctx, scope, customerId, (input) =>
          planChangedEmail({
            ...input,
            fromPlan: change.oldPlan.name,
            toPlan: change.newPlan.name,
            price: { amount: subscription.recurring_amount, currency },
            recurrence: { interval: subscription.interval, interval_count: subscription.interval_count },
            effectiveAt: issuedAt,
            chargedNow: quote.total > 0 ? { amount: quote.total, currency } : null,
          }),
        );
      },
    },
  });

  return {
    subscription: await getPortalSubscription(ctx, scope, customerId, id),
    invoice: outcome.invoiceId ? ((await findInvoice(ctx.store.db, scope, outcome.invoiceId)) ?? null) : null,
    payment: outcome.paymentId ? ((await findPayment(ctx.store.db, scope, outcome.paymentId)) ?? null) : null,
    credit_to_balance: quote.credit_to_balance,
  };
}

/** The customer's credit changed between pricing and spending: price the change again. */
class CreditMovedError extends Error {}
