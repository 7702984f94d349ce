import type { BillingAddress, Customer } from '@dodo-portal/wire/schemas';
import type { Kysely, Selectable, Updateable } from 'kysely';
import type { CustomersTable, Database } from './schema.ts';
import { parseJson, type KeysetPage, type KeysetPosition, type Scope } from './scope.ts';

const toCustomer = (row: Selectable<CustomersTable>): Customer => ({
  customer_id: row.id,
  business_id: row.business_id,
  email: row.email,
  name: row.name,
  phone_number: row.phone_number,
  billing_address: parseJson<BillingAddress>(row.billing_address),
  locale: row.locale,
  created_at: row.created_at,
});

/** Inserts a customer; a duplicate email in the business and mode raises a unique violation. */
export async function insertCustomer(db: Kysely<Database>, scope: Scope, customer: Customer): Promise<Customer> {
  await db
    .insertInto('customers')
    .values({
      id: customer.customer_id,
      business_id: scope.businessId,
      mode: scope.mode,
      email: customer.email,
      email_normalized: customer.email.toLowerCase(),
      name: customer.name,
      phone_number: customer.phone_number,
      billing_address: customer.billing_address ? JSON.stringify(customer.billing_address) : null,
      locale: customer.locale,
      created_at: customer.created_at,
    })
    .execute();
  return customer;
}

export async function findCustomer(db: Kysely<Database>, scope: Scope, id: string): Promise<Customer | undefined> {
  const row = await db.selectFrom('customers').selectAll().where('id', '=', id).where('business_id', '=', scope.businessId).where('mode', '=', scope.mode).executeTakeFirst();
  return row ? toCustomer(row) : undefined;
}

export interface CustomerListOptions {
  email?: string;
  limit: number;
  after?: KeysetPosition;
}

/** Newest first by (created_at, id), keyset-paged. */
export async function listCustomers(db: Kysely<Database>, scope: Scope, options: CustomerListOptions): Promise<KeysetPage<Customer>> {
  let query = db.selectFrom('customers').selectAll().where('business_id', '=', scope.businessId).where('mode', '=', scope.mode);
  if (options.email !== undefined) query = query.where('email_normalized', '=', options.email.toLowerCase());
  if (options.after) {
    const { at, id } = options.after;
    query = query.where((eb) => eb.or([eb('created_at', '<', at), eb.and([eb('created_at', '=', at), eb('id', '<', id)])]));
  }
  const rows = await query
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(options.limit + 1)
    .execute();
  const items = rows.slice(0, options.limit).map(toCustomer);
  const last = items.at(-1);
  return { items, next: rows.length > options.limit && last ? { at: last.created_at, id: last.customer_id } : null };
}

/** Applies a partial change; a duplicate email raises a unique violation. False when there is no such customer. */
export async function updateCustomer(
  db: Kysely<Database>,
  scope: Scope,
  id: string,
  change: Partial<Pick<Customer, 'email' | 'name' | 'phone_number' | 'billing_address' | 'locale'>>,
): Promise<boolean> {
  const set: Updateable<CustomersTable> = {};
  if (change.email !== undefined) {
    set.email = change.email;
    set.email_normalized = change.email.toLowerCase();
  }
  if (change.name !== undefined) set.name = change.name;
  if (change.phone_number !== undefined) set.phone_number = change.phone_number;
  if (change.billing_address !== undefined) set.billing_address = change.billing_address ? JSON.stringify(change.billing_address) : null;
  if (change.locale !== undefined) set.locale = change.locale;
  if (Object.keys(set).length === 0) return (await findCustomer(db, scope, id)) !== undefined;
  const result = await db.updateTable('customers').set(set).where('id', '=', id).where('business_id', '=', scope.businessId).where('mode', '=', scope.mode).executeTakeFirst();
  return result.numUpdatedRows > 0n;
}
