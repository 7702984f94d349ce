import type { BillingAddress, Invoice, InvoiceLineItem, InvoiceStatus, Refund } from '@dodo-portal/wire/schemas';
import { sql, type Kysely, type Selectable, type Transaction } from 'kysely';
import type { Database, InvoicesTable } from './schema.ts';
import { refundsOfInvoices } from './refunds.ts';
import { parseJson, type KeysetPage, type KeysetPosition, type Scope } from './scope.ts';

export interface NewInvoice {
  id: string;
  customer_id: string;
  status: InvoiceStatus;
  currency: string;
  subtotal: number;
  tax: number;
  total: number;
  tax_rate_bps: number;
  issued_at: string;
  paid_at: string | null;
  subscription_id: string | null;
  billing_address: BillingAddress | null;
  created_at: string;
  line_items: InvoiceLineItem[];
}

/**
 * Takes the next number of the business+mode sequence and inserts the invoice with its lines, all
 * in one transaction: a failed insert rolls the counter back, so numbers have no gaps. The counter
 * is an upsert that row-locks on PostgreSQL and holds SQLite's write lock, so concurrent issuers
 * wait for each other instead of reading the same value.
 */
export async function insertInvoiceWithNextNumber(db: Kysely<Database>, scope: Scope, invoice: NewInvoice, formatNumber: (sequence: number) => string): Promise<Invoice> {
  return db.transaction().execute((trx) => insertInvoiceInTransaction(trx, scope, invoice, formatNumber));
}

/** insertInvoiceWithNextNumber inside the caller's transaction (the billing engine's, with its payment). */
export async function insertInvoiceInTransaction(trx: Transaction<Database>, scope: Scope, invoice: NewInvoice, formatNumber: (sequence: number) => string): Promise<Invoice> {
  const counter = await trx
    .insertInto('invoice_counters')
    .values({ business_id: scope.businessId, mode: scope.mode, next_number: 2 })
    .onConflict((oc) => oc.columns(['business_id', 'mode']).doUpdateSet({ next_number: sql<number>`invoice_counters.next_number + 1` }))
    .returning(sql<number>`next_number - 1`.as('sequence'))
    .executeTakeFirstOrThrow();
  const number = formatNumber(Number(counter.sequence));
  await trx
    .insertInto('invoices')
    .values({
      id: invoice.id,
      business_id: scope.businessId,
      mode: scope.mode,
      customer_id: invoice.customer_id,
      number,
      status: invoice.status,
      currency: invoice.currency,
      subtotal: invoice.subtotal,
      tax: invoice.tax,
      total: invoice.total,
      tax_rate_bps: invoice.tax_rate_bps,
      issued_at: invoice.issued_at,
      paid_at: invoice.paid_at,
      subscription_id: invoice.subscription_id,
      billing_address: invoice.billing_address ? JSON.stringify(invoice.billing_address) : null,
      created_at: invoice.created_at,
    })
    .execute();
  await trx
    .insertInto('invoice_line_items')
    .values(
      invoice.line_items.map(({ period, description_key, description_params, ...line }, position) => ({
        invoice_id: invoice.id,
        position,
        ...line,
        period_start: period?.start ?? null,
        period_end: period?.end ?? null,
        description_key: description_key ?? null,
        description_params: description_params ? JSON.stringify(description_params) : null,
      })),
    )
    .execute();
  return toInvoice(
    { ...invoice, business_id: scope.businessId, mode: scope.mode, number, billing_address: invoice.billing_address ? JSON.stringify(invoice.billing_address) : null },
    invoice.line_items,
  );
}

function toInvoice(row: Omit<Selectable<InvoicesTable>, 'line_items' | 'billing_locked_until'>, lines: InvoiceLineItem[], refunds: Refund[] = []): Invoice {
  return {
    invoice_id: row.id,
    number: row.number,
    status: row.status,
    currency: row.currency,
    subtotal: Number(row.subtotal),
    tax: Number(row.tax),
    total: Number(row.total),
    issued_at: row.issued_at,
    paid_at: row.paid_at,
    customer_id: row.customer_id,
    subscription_id: row.subscription_id,
    line_items: lines,
    billing_address: parseJson<BillingAddress>(row.billing_address),
    refunds: refunds.map((refund) => ({ refund_id: refund.refund_id, amount: refund.amount, created_at: refund.created_at, reason: refund.reason })),
    amount_refunded: refunds.reduce((sum, refund) => sum + refund.amount, 0),
  };
}

async function withLineItems(db: Kysely<Database>, rows: Selectable<InvoicesTable>[]): Promise<Invoice[]> {
  if (rows.length === 0) return [];
  const lines = await db
    .selectFrom('invoice_line_items')
    .select(['invoice_id', 'description', 'description_key', 'description_params', 'quantity', 'unit_amount', 'amount', 'tax_rate_bps', 'period_start', 'period_end'])
    .where(
      'invoice_id',
      'in',
      rows.map((row) => row.id),
    )
    .orderBy('invoice_id')
    .orderBy('position')
    .execute();
  const byInvoice = new Map<string, InvoiceLineItem[]>();
  for (const { invoice_id, ...line } of lines) {
    const list = byInvoice.get(invoice_id) ?? [];
    list.push({
      description: line.description,
      ...(line.description_key !== null ? { description_key: line.description_key, description_params: parseJson<Record<string, string | null>>(line.description_params) ?? {} } : {}),
      quantity: Number(line.quantity),
      unit_amount: Number(line.unit_amount),
      amount: Number(line.amount),
      tax_rate_bps: Number(line.tax_rate_bps),
      ...(line.period_start !== null && line.period_end !== null ? { period: { start: line.period_start, end: line.period_end } } : {}),
    });
    byInvoice.set(invoice_id, list);
  }
  const refunds = await refundsOfInvoices(
    db,
    rows.map((row) => row.id),
  );
  return rows.map((row) => toInvoice(row, byInvoice.get(row.id) ?? [], refunds.get(row.id)));
}

export interface InvoiceFilter {
  /** Only this customer's invoices (the portal always sets it). */
  customerId?: string;
}

export async function findInvoice(db: Kysely<Database>, scope: Scope, id: string, filter: InvoiceFilter = {}): Promise<Invoice | undefined> {
  let query = db.selectFrom('invoices').selectAll().where('id', '=', id).where('business_id', '=', scope.businessId).where('mode', '=', scope.mode);
  if (filter.customerId !== undefined) query = query.where('customer_id', '=', filter.customerId);
  const row = await query.executeTakeFirst();
  if (!row) return undefined;
  const [invoice] = await withLineItems(db, [row]);
  return invoice;
}

export interface InvoiceListOptions extends InvoiceFilter {
  limit: number;
  after?: KeysetPosition;
}

/** Newest first by (issued_at, id), keyset-paged: no OFFSET, stable under inserts. */
export async function listInvoices(db: Kysely<Database>, scope: Scope, options: InvoiceListOptions): Promise<KeysetPage<Invoice>> {
  let query = db.selectFrom('invoices').selectAll().where('business_id', '=', scope.businessId).where('mode', '=', scope.mode);
  if (options.customerId !== undefined) query = query.where('customer_id', '=', options.customerId);
  if (options.after) {
    const { at, id } = options.after;
    query = query.where((eb) => eb.or([eb('issued_at', '<', at), eb.and([eb('issued_at', '=', at), eb('id', '<', id)])]));
  }
  const rows = await query
    .orderBy('issued_at', 'desc')
    .orderBy('id', 'desc')
    .limit(options.limit + 1)
    .execute();
  const page = rows.slice(0, options.limit);
  const items = await withLineItems(db, page);
  const last = page.at(-1);
  return { items, next: rows.length > options.limit && last ? { at: last.issued_at, id: last.id } : null };
}
