/**
 * The customer's saved cards in the portal (`/portal/v1/payment-methods`): list them with the
 * subscriptions each one pays, save a card the processor tokenized (the card number never
 * reaches this server: only the token does), and remove one. Always the session customer's own
 * cards: anyone else's is `not_found`.
 */
import { PortalErrorCode, type PortalPaymentMethod, type PortalPaymentMethodList } from '@dodo-portal/wire/schemas';
import { DomainError, invalidRequest, notFound } from '../domain/errors.ts';
import { IdPrefix, isId } from '../domain/ids.ts';
import { toTimestamp } from '../domain/ports.ts';
import { findPaymentMethod, listPaymentMethods, publicPaymentMethod, type PaymentMethodRecord } from '../store/payment-methods.ts';
import { liveSubscriptionsByMethod, makeDefaultPaymentMethod, removePaymentMethod } from '../store/portal-payment-methods.ts';
import type { Scope } from '../store/scope.ts';
import { resolveCardSource, type BillingContext } from './charging.ts';
import { saveCard } from './payment-methods.ts';
import { emitSubscriptionEvent } from './webhooks.ts';

const toPortal = (method: PaymentMethodRecord, subscriptionIds: string[]): PortalPaymentMethod => ({ ...publicPaymentMethod(method), subscription_ids: subscriptionIds });

/** The default card first, then the newest. */
export async function listPortalPaymentMethods(ctx: BillingContext, scope: Scope, customerId: string): Promise<PortalPaymentMethodList> {
  const methods = await listPaymentMethods(ctx.store.db, scope, customerId);
  const users = await liveSubscriptionsByMethod(ctx.store.db, scope, customerId);
  const ordered = [...methods.filter((method) => method.is_default), ...methods.filter((method) => !method.is_default)];
  return { items: ordered.map((method) => toPortal(method, users.get(method.payment_method_id) ?? [])), next_cursor: null };
}

/**
 * `POST /portal/v1/payment-methods {card_token}`: saves the card (201), or answers the card saved
 * from that token before (200). The customer's first card becomes the default.
 */
export async function addPortalPaymentMethod(ctx: BillingContext, scope: Scope, customerId: string, cardToken: string): Promise<{ method: PortalPaymentMethod; created: boolean }> {
  const source = await resolveCardSource(ctx, scope, customerId, { card_token: cardToken });
  const saved = await saveCard(ctx, scope, customerId, source);
  const method = await findPaymentMethod(ctx.store.db, scope, saved.id);
  if (!method) throw new Error(`payment method ${saved.id} vanished after saving`);
  const users = await liveSubscriptionsByMethod(ctx.store.db, scope, customerId);
  return { method: toPortal(method, users.get(method.payment_method_id) ?? []), created: saved.created };
}

/**
 * `DELETE /portal/v1/payment-methods/{id}` with `{replacements: {subscription_id: payment_method_id}}`:
 * a card that pays `active` or `on_hold` subscriptions is removed only together with the choice of
 * which of the customer's other cards pays each of them (409 `payment_method_in_use` listing them
 * in `details.subscriptions` otherwise; 400 on a replacement that is not one of those
 * subscriptions or not one of the customer's other cards). Moves and removal are one transaction;
 * each moved subscription sends `subscription.updated`. Nothing is moved silently.
 */
export async function deletePortalPaymentMethod(ctx: BillingContext, scope: Scope, customerId: string, paymentMethodId: string, replacements: Record<string, string> = {}): Promise<void> {
  const missing = () => notFound(`No payment method ${paymentMethodId}.`);
  if (!isId(IdPrefix.paymentMethod, paymentMethodId)) throw missing();
  const outcome = await removePaymentMethod(ctx.store.db, scope, customerId, paymentMethodId, replacements, toTimestamp(ctx.clock.now()), async (trx, moved) => {
    for (const subscriptionId of moved) await emitSubscriptionEvent(trx, ctx, scope, 'subscription.updated', subscriptionId);
  });
  if (outcome.kind === 'not_found') throw missing();
  if (outcome.kind === 'invalid') throw invalidRequest(`Invalid replacements: ${outcome.issues[0]!.path} is ${outcome.issues[0]!.message}.`, outcome.issues);
  if (outcome.kind === 'in_use') {
    const count = outcome.subscriptions.length;
    const pays = count === 1 ? 'a subscription' : `${count} subscriptions`;
    throw new DomainError(
      PortalErrorCode.paymentMethodInUse,
      outcome.otherCards === 0
        ? `This card pays ${pays} and is your only card. Add another card first, then remove this one.`
        : `This card pays ${pays}. Say which of your other cards pays each (replacements), then remove it.`,
      { details: { subscriptions: outcome.subscriptions.map(({ id, product_name, status }) => ({ id, product_name, status })) } },
    );
  }
}

/**
 * `POST /portal/v1/payment-methods/{id}/default`: that card becomes the customer's default (the
 * one listed first; the previous default no longer is). Anyone else's card: 404.
 */
export async function setDefaultPortalPaymentMethod(ctx: BillingContext, scope: Scope, customerId: string, paymentMethodId: string): Promise<PortalPaymentMethod> {
  const missing = () => notFound(`No payment method ${paymentMethodId}.`);
  if (!isId(IdPrefix.paymentMethod, paymentMethodId)) throw missing();
  if (!(await makeDefaultPaymentMethod(ctx.store.db, scope, customerId, paymentMethodId))) throw missing();
  const method = await findPaymentMethod(ctx.store.db, scope, paymentMethodId);
  if (!method) throw missing();
  const users = await liveSubscriptionsByMethod(ctx.store.db, scope, customerId);
  return toPortal(method, users.get(method.payment_method_id) ?? []);
}
