/**
 * `GET/PATCH /portal/v1/profile`: the customer's own contact details and credit. Name and billing
 * address are theirs to edit; email and phone are shown only (the merchant changes those, since
 * the email is how the customer signs in).
 */
import type { Profile, UpdateProfileBody } from '@dodo-portal/wire/schemas';
import { notFound } from '../domain/errors.ts';
import { creditBalances } from '../store/credits.ts';
import { findCustomer, updateCustomer } from '../store/customers.ts';
import type { Scope } from '../store/scope.ts';
import type { ServiceContext } from '../runtime.ts';

export async function getProfile(ctx: ServiceContext, scope: Scope, customerId: string): Promise<Profile> {
  const customer = await findCustomer(ctx.store.db, scope, customerId);
  if (!customer) throw notFound('This customer no longer exists.');
  return {
    customer_id: customer.customer_id,
    name: customer.name,
    email: customer.email,
    phone_number: customer.phone_number,
    billing_address: customer.billing_address,
    credit_balances: await creditBalances(ctx.store.db, scope, customerId),
  };
}

export async function updateProfile(ctx: ServiceContext, scope: Scope, customerId: string, body: UpdateProfileBody): Promise<Profile> {
  const changed = await updateCustomer(ctx.store.db, scope, customerId, {
    ...(body.name !== undefined ? { name: body.name } : {}),
    ...(body.billing_address !== undefined ? { billing_address: body.billing_address } : {}),
  });
  if (!changed) throw notFound('This customer no longer exists.');
  return getProfile(ctx, scope, customerId);
}
