import type { PaymentMethod } from '@dodo-portal/wire/schemas';
import { IdPrefix, newId } from '../domain/ids.ts';
import { toTimestamp } from '../domain/ports.ts';
import { isUniqueViolation } from '../store/index.ts';
import { findPaymentMethod, findPaymentMethodByToken, insertPaymentMethod, promoteIfNoDefault, publicPaymentMethod } from '../store/payment-methods.ts';
import type { Scope } from '../store/scope.ts';
import { processorFor, resolveCardSource, type BillingContext, type CardSource } from './charging.ts';
import { getCustomer } from './customers.ts';

/**
 * The one check a card passes before it is saved, whichever path saves it (portal, merchant API,
 * a subscription started or switched with a `card_token`): the mode's processor runs a
 * zero-amount verification. A refusal is 402 `payment_failed` with the decline code and nothing is
 * saved. Saved cards and tokens the processor already accepted (a successful charge) pass as they are.
 */
export async function verifyCard(ctx: BillingContext, scope: Scope, source: CardSource): Promise<CardSource> {
  if (source.paymentMethodId || source.verified) return source;
  await processorFor(ctx, scope).verify(source.token);
  return { ...source, verified: true };
}

/**
 * Saves a resolved card for the customer (a no-op for a card that is saved already) and returns
 * its payment method id, after `verifyCard`. The customer's first card becomes the default.
 */
export async function saveCard(ctx: BillingContext, scope: Scope, customerId: string, source: CardSource): Promise<{ id: string; created: boolean }> {
  if (source.paymentMethodId) return { id: source.paymentMethodId, created: false };
  await verifyCard(ctx, scope, source);
  const id = newId(IdPrefix.paymentMethod, ctx.random);
  try {
    await insertPaymentMethod(ctx.store.db, scope, {
      payment_method_id: id,
      customer_id: customerId,
      processor_token: source.token,
      ...source.card,
      is_default: false,
      created_at: toTimestamp(ctx.clock.now()),
    });
  } catch (error) {
    // The same token saved by a concurrent request for this customer: use that one.
    const existing = isUniqueViolation(error) ? await findPaymentMethodByToken(ctx.store.db, scope, source.token) : undefined;
    if (existing && existing.customer_id === customerId) return { id: existing.payment_method_id, created: false };
    throw error;
  }
  await promoteIfNoDefault(ctx.store.db, customerId, id);
  return { id, created: true };
}

/** `POST /v1/customers/{id}/payment-methods`: saves a tokenized card (201), or returns it if saved already (200). */
export async function attachPaymentMethod(ctx: BillingContext, scope: Scope, customerId: string, cardToken: string): Promise<{ method: PaymentMethod; created: boolean }> {
  const customer = await getCustomer(ctx, scope, customerId);
  const source = await resolveCardSource(ctx, scope, customer.customer_id, { card_token: cardToken });
  const saved = await saveCard(ctx, scope, customer.customer_id, source);
  const method = await findPaymentMethod(ctx.store.db, scope, saved.id);
  return { method: publicPaymentMethod(method!), created: saved.created };
}
