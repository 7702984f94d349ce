import { ErrorCode, type CreateCustomerBody, type Customer, type Page, type UpdateCustomerBody } from '@dodo-portal/wire/schemas';
import { DomainError, invalidRequest, notFound } from '../domain/errors.ts';
import { IdPrefix, isId, newId } from '../domain/ids.ts';
import { canonicalLocale } from '../domain/money.ts';
import { toTimestamp } from '../domain/ports.ts';
import { findBusiness } from '../store/businesses.ts';
import { findCustomer, insertCustomer, listCustomers as listCustomerRows, updateCustomer } from '../store/customers.ts';
import { isUniqueViolation } from '../store/index.ts';
import type { Scope } from '../store/scope.ts';
import { positionFromCursor, toPage } from './paging.ts';
import type { ServiceContext } from '../runtime.ts';

export async function createCustomer(ctx: ServiceContext, scope: Scope, body: CreateCustomerBody): Promise<Customer> {
  let locale: string | undefined;
  if (body.locale !== undefined) {
    locale = canonicalLocale(body.locale);
    if (!locale) throw invalidRequest('locale is not a valid BCP 47 tag', [{ path: 'locale', message: 'not a valid BCP 47 language tag' }]);
  } else {
    locale = (await findBusiness(ctx.store.db, scope.businessId))?.default_locale ?? 'en';
  }
  const customer: Customer = {
    customer_id: newId(IdPrefix.customer, ctx.random),
    business_id: scope.businessId,
    email: body.email,
    name: body.name,
    phone_number: body.phone_number ?? null,
    billing_address: body.billing_address ?? null,
    locale,
    created_at: toTimestamp(ctx.clock.now()),
  };
  try {
    return await insertCustomer(ctx.store.db, scope, customer);
  } catch (error) {
    if (isUniqueViolation(error)) {
      throw new DomainError(ErrorCode.customerExists, `A customer with email ${body.email} already exists in ${scope.mode} mode.`);
    }
    throw error;
  }
}

export async function getCustomer(ctx: ServiceContext, scope: Scope, customerId: string): Promise<Customer> {
  const customer = isId(IdPrefix.customer, customerId) ? await findCustomer(ctx.store.db, scope, customerId) : undefined;
  if (!customer) throw notFound(`No customer ${customerId} in ${scope.mode} mode.`);
  return customer;
}

export async function listCustomers(ctx: ServiceContext, scope: Scope, query: { email?: string | undefined; limit: number; cursor?: string | undefined }): Promise<Page<Customer>> {
  const after = positionFromCursor(query.cursor);
  const page = await listCustomerRows(ctx.store.db, scope, { limit: query.limit, ...(query.email ? { email: query.email } : {}), ...(after ? { after } : {}) });
  return toPage(page);
}

/** `PATCH /v1/customers/{id}`: changes the given fields; `null` clears a nullable one. */
export async function patchCustomer(ctx: ServiceContext, scope: Scope, customerId: string, body: UpdateCustomerBody): Promise<Customer> {
  await getCustomer(ctx, scope, customerId);
  let locale: string | undefined;
  if (body.locale !== undefined) {
    locale = canonicalLocale(body.locale);
    if (!locale) throw invalidRequest('locale is not a valid BCP 47 tag', [{ path: 'locale', message: 'not a valid BCP 47 language tag' }]);
  }
  try {
    await updateCustomer(ctx.store.db, scope, customerId, {
      ...(body.email !== undefined ? { email: body.email } : {}),
      ...(body.name !== undefined ? { name: body.name } : {}),
      ...(body.phone_number !== undefined ? { phone_number: body.phone_number } : {}),
      ...(body.billing_address !== undefined ? { billing_address: body.billing_address } : {}),
      ...(locale !== undefined ? { locale } : {}),
    });
  } catch (error) {
    if (isUniqueViolation(error)) {
      throw new DomainError(ErrorCode.customerExists, `A customer with email ${body.email} already exists in ${scope.mode} mode.`);
    }
    throw error;
  }
  return getCustomer(ctx, scope, customerId);
}
