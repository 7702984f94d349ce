import type { BillingAddress, CreateInvoiceBody, Invoice, InvoicePage } from '@dodo-portal/wire/schemas';
import type { Transaction } from 'kysely';
import type { PricedPurchase } from '../domain/catalog.ts';
import { invalidRequest, notFound } from '../domain/errors.ts';
import { IdPrefix, isId, newId } from '../domain/ids.ts';
import { formatInvoiceNumber } from '../domain/invoice-number.ts';
import { computeInvoiceTotals } from '../domain/money.ts';
import { toTimestamp } from '../domain/ports.ts';
import { findCustomer } from '../store/customers.ts';
import { findInvoice, insertInvoiceInTransaction, insertInvoiceWithNextNumber, listInvoices as listInvoiceRows } from '../store/invoices.ts';
import type { Database } from '../store/schema.ts';
import type { Scope } from '../store/scope.ts';
import { positionFromCursor, toPage } from './paging.ts';
import type { ServiceContext } from '../runtime.ts';

export interface PricedInvoice {
  id: string;
  customerId: string;
  /** The customer's address now: the invoice keeps it as a snapshot. */
  billingAddress: BillingAddress | null;
  priced: PricedPurchase;
  /** Issue time (ISO); also the payment time when `paid`. */
  at: string;
  paid: boolean;
  subscriptionId: string | null;
}

/**
 * Numbers and inserts the invoice of a charge priced by the catalog, inside the caller's
 * transaction (purchases, first subscription periods and renewals settle it with the payment).
 */
export function insertPricedInvoice(trx: Transaction<Database>, scope: Scope, invoice: PricedInvoice): Promise<Invoice> {
  const { priced } = invoice;
  return insertInvoiceInTransaction(
    trx,
    scope,
    {
      id: invoice.id,
      customer_id: invoice.customerId,
      status: invoice.paid ? 'paid' : 'open',
      currency: priced.currency,
      subtotal: priced.subtotal,
      tax: priced.tax,
      total: priced.total,
      tax_rate_bps: priced.tax_rate_bps,
      issued_at: invoice.at,
      paid_at: invoice.paid ? invoice.at : null,
      subscription_id: invoice.subscriptionId,
      billing_address: invoice.billingAddress,
      created_at: invoice.at,
      line_items: priced.line_items,
    },
    formatInvoiceNumber,
  );
}

export interface IssueInvoiceOptions {
  /** When the invoice was issued; defaults to now. The seed and the billing engine back-date. */
  issuedAt?: Date;
  subscriptionId?: string | null;
}

/** Issues an invoice: prices the lines, taxes the subtotal once, numbers it, snapshots the address. */
export async function issueInvoice(ctx: ServiceContext, scope: Scope, body: CreateInvoiceBody, options: IssueInvoiceOptions = {}): Promise<Invoice> {
  const customer = isId(IdPrefix.customer, body.customer_id) ? await findCustomer(ctx.store.db, scope, body.customer_id) : undefined;
  if (!customer) {
    throw invalidRequest(`No customer ${body.customer_id} in ${scope.mode} mode.`, [{ path: 'customer_id', message: 'no such customer' }]);
  }
  const totals = computeInvoiceTotals(body.line_items, body.tax_rate_bps);
  const issuedAt = toTimestamp(options.issuedAt ?? ctx.clock.now());
  return insertInvoiceWithNextNumber(
    ctx.store.db,
    scope,
    {
      id: newId(IdPrefix.invoice, ctx.random),
      customer_id: customer.customer_id,
      status: body.status,
      currency: body.currency,
      subtotal: totals.subtotal,
      tax: totals.tax,
      total: totals.total,
      tax_rate_bps: body.tax_rate_bps,
      issued_at: issuedAt,
      paid_at: body.status === 'paid' ? issuedAt : null,
      subscription_id: options.subscriptionId ?? null,
      billing_address: customer.billing_address,
      created_at: toTimestamp(ctx.clock.now()),
      line_items: totals.line_items,
    },
    formatInvoiceNumber,
  );
}

export async function getInvoice(ctx: ServiceContext, scope: Scope, invoiceId: string, filter: { customerId?: string } = {}): Promise<Invoice> {
  const invoice = isId(IdPrefix.invoice, invoiceId) ? await findInvoice(ctx.store.db, scope, invoiceId, filter) : undefined;
  if (!invoice) throw notFound(`No invoice ${invoiceId}.`);
  return invoice;
}

export async function listInvoices(ctx: ServiceContext, scope: Scope, query: { customerId?: string | undefined; limit: number; cursor?: string | undefined }): Promise<InvoicePage> {
  const after = positionFromCursor(query.cursor);
  const page = await listInvoiceRows(ctx.store.db, scope, {
    limit: query.limit,
    ...(query.customerId !== undefined ? { customerId: query.customerId } : {}),
    ...(after ? { after } : {}),
  });
  return toPage(page);
}
