import type { PaymentMethod } from '@dodo-portal/wire/schemas';
import type { Kysely, Selectable } from 'kysely';
import { isUniqueViolation } from './index.ts';
import type { Database, PaymentMethodsTable } from './schema.ts';
import type { Scope } from './scope.ts';

export interface PaymentMethodRecord extends PaymentMethod {
  processor_token: string;
}

const toRecord = (row: Selectable<PaymentMethodsTable>): PaymentMethodRecord => ({
  payment_method_id: row.id,
  customer_id: row.customer_id,
  brand: row.brand as PaymentMethod['brand'],
  last4: row.last4,
  exp_month: Number(row.exp_month),
  exp_year: Number(row.exp_year),
  is_default: Number(row.is_default) === 1,
  created_at: row.created_at,
  processor_token: row.processor_token,
});

export const publicPaymentMethod = ({ processor_token: _token, ...method }: PaymentMethodRecord): PaymentMethod => method;

/**
 * Binds a processor token to the first business+mode that uses it. True when this scope holds
 * the claim (now or from before); false when another business or mode claimed it first.
 */
export async function claimCardToken(db: Kysely<Database>, scope: Scope, token: string, at: string): Promise<boolean> {
  await db
    .insertInto('card_token_claims')
    .values({ token, business_id: scope.businessId, mode: scope.mode, claimed_at: at })
    .onConflict((oc) => oc.column('token').doNothing())
    .execute();
  const claim = await db.selectFrom('card_token_claims').select(['business_id', 'mode']).where('token', '=', token).executeTakeFirst();
  return claim?.business_id === scope.businessId && claim.mode === scope.mode;
}

/** Saves a card as not-default; `promoteIfNoDefault` then makes a customer's first card the default. */
export async function insertPaymentMethod(db: Kysely<Database>, scope: Scope, method: PaymentMethodRecord): Promise<void> {
  await db
    .insertInto('payment_methods')
    .values({
      id: method.payment_method_id,
      business_id: scope.businessId,
      mode: scope.mode,
      customer_id: method.customer_id,
      processor_token: method.processor_token,
      brand: method.brand,
      last4: method.last4,
      exp_month: method.exp_month,
      exp_year: method.exp_year,
      is_default: 0,
      created_at: method.created_at,
    })
    .execute();
}

/**
 * Makes the card the customer's default when the customer has none, in its own statement. Two
 * first cards saved at once both try; the partial unique index lets one win, the other stays
 * a plain saved card.
 */
export async function promoteIfNoDefault(db: Kysely<Database>, customerId: string, paymentMethodId: string): Promise<boolean> {
  try {
    const result = await db
      .updateTable('payment_methods')
      .set({ is_default: 1 })
      .where('id', '=', paymentMethodId)
      .where((eb) => eb.not(eb.exists(eb.selectFrom('payment_methods as other').select('other.id').where('other.customer_id', '=', customerId).where('other.is_default', '=', 1))))
      .executeTakeFirst();
    return result.numUpdatedRows > 0n;
  } catch (error) {
    if (isUniqueViolation(error)) return false;
    throw error;
  }
}

export async function findPaymentMethod(db: Kysely<Database>, scope: Scope, id: string): Promise<PaymentMethodRecord | undefined> {
  const row = await db.selectFrom('payment_methods').selectAll().where('id', '=', id).where('business_id', '=', scope.businessId).where('mode', '=', scope.mode).executeTakeFirst();
  return row ? toRecord(row) : undefined;
}

export async function findPaymentMethodByToken(db: Kysely<Database>, scope: Scope, token: string): Promise<PaymentMethodRecord | undefined> {
  const row = await db
    .selectFrom('payment_methods')
    .selectAll()
    .where('processor_token', '=', token)
    .where('business_id', '=', scope.businessId)
    .where('mode', '=', scope.mode)
    .executeTakeFirst();
  return row ? toRecord(row) : undefined;
}

export async function listPaymentMethods(db: Kysely<Database>, scope: Scope, customerId: string): Promise<PaymentMethodRecord[]> {
  const rows = await db
    .selectFrom('payment_methods')
    .selectAll()
    .where('customer_id', '=', customerId)
    .where('business_id', '=', scope.businessId)
    .where('mode', '=', scope.mode)
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .execute();
  return rows.map(toRecord);
}
