import type { BillingAddress, Invoice, InvoiceLineItem, InvoiceStatus, Mode, Refund } from '@dodo-portal/wire/schemas';
import { sql, type Kysely, type Selectable, type Transaction } from 'kysely';
import type { Database, InvoicesTable } from './schema.ts';
import { compiledOnce } from './compiled-once.ts';
import { isPostgres } from './dialect.ts';
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
  return toInvoice({ ...invoice, number, billing_address: invoice.billing_address ? JSON.stringify(invoice.billing_address) : null }, invoice.line_items);
}

function toInvoice(row: InvoiceRow, lines: InvoiceLineItem[], refunds: RefundSummary[] = []): Invoice {
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

type InvoiceRow = Pick<Selectable<InvoicesTable>, (typeof INVOICE_COLUMNS)[number]>;
type RefundSummary = Pick<Refund, 'refund_id' | 'amount' | 'created_at' | 'reason'>;

/** The invoice columns an `Invoice` is read from. */
const INVOICE_COLUMNS = ['id', 'number', 'status', 'currency', 'subtotal', 'tax', 'total', 'issued_at', 'paid_at', 'customer_id', 'subscription_id', 'billing_address'] as const;

/** A line as the JSON array the invoice query aggregates: the columns in this order. */
type LineTuple = [string, string | null, string | null, number, number, number, number, string | null, string | null];
/** A refund that counts (not failed) as the JSON array the invoice query aggregates. */
type RefundTuple = [string, number, string, string | null];

/**
 * The invoice columns plus its lines and its refunds, each aggregated by the database into one
 * JSON array of arrays (SQLite json_group_array, PostgreSQL json_agg; ordered). One query for a
 * page instead of three, and the driver builds one string per invoice instead of an object per
 * line and per refund: with better-sqlite3 most of a page's cost was building those rows (issue 16).
 */
function selectInvoices(db: Kysely<Database>) {
  const postgres = isPostgres(db);
  const lineValues = sql.join(
    ['description', 'description_key', 'description_params', 'quantity', 'unit_amount', 'amount', 'tax_rate_bps', 'period_start', 'period_end'].map((column) => sql.ref(`li.${column}`)),
  );
  const refundValues = sql.join(['id', 'amount', 'created_at', 'reason'].map((column) => sql.ref(`r.${column}`)));
  const lines = postgres
    ? sql<LineTuple[] | string>`(select coalesce(json_agg(json_build_array(${lineValues}) order by li.position), '[]'::json) from invoice_line_items li where li.invoice_id = invoices.id)`
    : sql<LineTuple[] | string>`(select json_group_array(json_array(${lineValues}) order by li.position) from invoice_line_items li where li.invoice_id = invoices.id)`;
  const refunds = postgres
    ? sql<
        RefundTuple[] | string
      >`(select coalesce(json_agg(json_build_array(${refundValues}) order by r.created_at, r.id), '[]'::json) from refunds r where r.invoice_id = invoices.id and r.status <> 'failed')`
    : sql<
        RefundTuple[] | string
      >`(select json_group_array(json_array(${refundValues}) order by r.created_at, r.id) from refunds r where r.invoice_id = invoices.id and r.status <> 'failed')`;
  return db
    .selectFrom('invoices')
    .select(INVOICE_COLUMNS)
    .select([lines.as('lines'), refunds.as('refunds')]);
}

/** SQLite answers the aggregated JSON as text, PostgreSQL's driver as parsed values. */
const jsonValue = <T>(value: T | string): T => (typeof value === 'string' ? (JSON.parse(value) as T) : value);

type AggregatedRow = InvoiceRow & { lines: LineTuple[] | string; refunds: RefundTuple[] | string };

function fromAggregated(row: AggregatedRow): Invoice {
  const lines = jsonValue(row.lines).map(([description, description_key, description_params, quantity, unit_amount, amount, tax_rate_bps, period_start, period_end]): InvoiceLineItem => ({
    description,
    ...(description_key !== null ? { description_key, description_params: parseJson<Record<string, string | null>>(description_params) ?? {} } : {}),
    quantity: Number(quantity),
    unit_amount: Number(unit_amount),
    amount: Number(amount),
    tax_rate_bps: Number(tax_rate_bps),
    ...(period_start !== null && period_end !== null ? { period: { start: period_start, end: period_end } } : {}),
  }));
  const refunds = jsonValue(row.refunds).map(([refund_id, amount, created_at, reason]): RefundSummary => ({ refund_id, amount: Number(amount), created_at, reason }));
  return toInvoice(row, lines, refunds);
}

export interface InvoiceFilter {
  /** Only this customer's invoices (the portal always sets it). */
  customerId?: string;
}

export async function findInvoice(db: Kysely<Database>, scope: Scope, id: string, filter: InvoiceFilter = {}): Promise<Invoice | undefined> {
  const [row] =
    filter.customerId !== undefined ? await customerInvoiceById(db, id, scope.businessId, scope.mode, filter.customerId) : await invoiceById(db, id, scope.businessId, scope.mode);
  return row ? fromAggregated(row) : undefined;
}

const invoiceById = compiledOnce<[string, string, Mode], AggregatedRow>(
  (db, id, businessId, mode) =>
    selectInvoices(db)
      .where('id', '=', id!)
      .where('business_id', '=', businessId!)
      .where('mode', '=', mode as Mode),
  3,
);
const customerInvoiceById = compiledOnce<[string, string, Mode, string], AggregatedRow>(
  (db, id, businessId, mode, customerId) =>
    selectInvoices(db)
      .where('id', '=', id!)
      .where('business_id', '=', businessId!)
      .where('mode', '=', mode as Mode)
      .where('customer_id', '=', customerId!),
  4,
);

export interface InvoiceListOptions extends InvoiceFilter {
  limit: number;
  after?: KeysetPosition;
}

/** Newest first by (issued_at, id), keyset-paged: no OFFSET, stable under inserts. */
export async function listInvoices(db: Kysely<Database>, scope: Scope, options: InvoiceListOptions): Promise<KeysetPage<Invoice>> {
  const { customerId, after } = options;
  const rows = await invoicePage(customerId !== undefined, after !== undefined)(
    db,
    scope.businessId,
    scope.mode,
    ...(customerId !== undefined ? [customerId] : []),
    ...(after ? [after.at, after.at, after.id] : []),
    options.limit + 1,
  );
  const page = rows.slice(0, options.limit);
  const last = page.at(-1);
  return { items: page.map(fromAggregated), next: rows.length > options.limit && last ? { at: last.issued_at, id: last.id } : null };
}

/** The list query of one shape (one customer or all; first page or after a position), compiled once. */
const invoicePages = new Map<string, (db: Kysely<Database>, ...values: unknown[]) => Promise<AggregatedRow[]>>();
function invoicePage(oneCustomer: boolean, afterPosition: boolean) {
  const shape = `${oneCustomer}/${afterPosition}`;
  let run = invoicePages.get(shape);
  if (!run) {
    run = compiledOnce<unknown[], AggregatedRow>(
      (db, ...placeholders) => {
        const next = () => placeholders.shift()!;
        let query = selectInvoices(db)
          .where('business_id', '=', next())
          .where('mode', '=', next() as Mode);
        if (oneCustomer) query = query.where('customer_id', '=', next());
        if (afterPosition) {
          const [before, at, id] = [next(), next(), next()];
          query = query.where((eb) => eb.or([eb('issued_at', '<', before), eb.and([eb('issued_at', '=', at), eb('id', '<', id)])]));
        }
        return query
          .orderBy('issued_at', 'desc')
          .orderBy('id', 'desc')
          .limit(next() as unknown as number);
      },
      3 + (oneCustomer ? 1 : 0) + (afterPosition ? 3 : 0),
    );
    invoicePages.set(shape, run);
  }
  return run;
}
