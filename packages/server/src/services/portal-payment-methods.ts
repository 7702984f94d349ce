/**
 * The customer's saved cards in the portal (`/portal/v1/payment-methods`): list them with the
 * subscriptions each one pays, save a card the processor tokenized (the card number never
 * reaches this server: only the token does), and remove one. Always the session customer's own
 * cards: anyone else's is `not_found`.
 */
import { PortalErrorCode, type PortalPaymentMethod, type PortalPaymentMethodList } from '@dodo-portal/wire/schemas';
import { DomainError, notFound } from '../domain/errors.ts';
import { IdPrefix, isId } from '../domain/ids.ts';
import { toTimestamp } from '../domain/ports.ts';
import { findPaymentMethod, listPaymentMethods, publicPaymentMethod, type PaymentMethodRecord } from '../store/payment-methods.ts';
import { liveSubscriptionsByMethod, removePaymentMethod } from '../store/portal-payment-methods.ts';
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
 * `DELETE /portal/v1/payment-methods/{id}`: 409 `payment_method_in_use` while it is the only card
 * and an active or on-hold subscription charges it. Otherwise its subscriptions move to the
 * default card (or, if it was the default, to the newest other card, which becomes the default)
 * and each moved subscription sends `subscription.updated`.
 */
export async function deletePortalPaymentMethod(ctx: BillingContext, scope: Scope, customerId: string, paymentMethodId: string): Promise<void> {
  const missing = () => notFound(`No payment method ${paymentMethodId}.`);
  if (!isId(IdPrefix.paymentMethod, paymentMethodId)) throw missing();
  const outcome = await removePaymentMethod(ctx.store.db, scope, customerId, paymentMethodId, toTimestamp(ctx.clock.now()), async (trx, moved) => {
    for (const subscriptionId of moved) await emitSubscriptionEvent(trx, ctx, scope, 'subscription.updated', subscriptionId);
  });
  if (outcome.kind === 'not_found') throw missing();
  if (outcome.kind === 'in_use') {
    const count = outcome.subscriptionIds.length;
    throw new DomainError(
      409,
      PortalErrorCode.paymentMethodInUse,
      `This card pays ${count === 1 ? 'a subscription' : `${count} subscriptions`} and is your only card. Add another card first, then remove this one.`,
    );
  }
}
