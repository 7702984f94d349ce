/**
 * Formatting in the element's locale, once for every element: money (integer minor units), dates,
 * a price per billing interval, counts, a saved card, and the status of each kind of record in
 * words. Status labels stay per kind: languages inflect "Active" or "Refunded" for a key, a
 * subscription or an invoice differently (fr "Actif" / "Active" / "Remboursée").
 */
import { html, type TemplateResult } from 'lit';
import { msg, str } from '@lit/localize';
import type { BillingInterval, CardBrand, InvoiceStatus, LicenseKeyStatus, PaymentStatus, SubscriptionStatus } from '@dodo-portal/wire/schemas';
import { brandName } from '../components/payment-method-editor/card.ts';
import { formatDate, formatMoney } from '../format.ts';

export class Formatter {
  /** `locale`: read on every call, so a live locale switch formats in the new one. */
  constructor(readonly localeOf: () => string) {}

  money(minor: number, currency: string): string {
    return formatMoney(minor, currency, this.localeOf());
  }

  date(timestamp: string): string {
    return formatDate(timestamp, this.localeOf());
  }
}

/** A count ("3") in the formatter's locale. */
export const formatCount = (format: Formatter, value: number): string => new Intl.NumberFormat(format.localeOf()).format(value);

/**
 * "$20.00 per month", "$50.00 every 3 months" — the unit through `Intl` in the formatter's locale.
 * This and `formatCount` are functions, not `Formatter` methods: a bundler keeps every method of a
 * class it keeps, and a page whose elements show no recurring price (the portal with an invoice
 * list) then carries neither (issue 15: -137 B gzip on the two-element page).
 */
export function pricePer(format: Formatter, minor: number, currency: string, interval: BillingInterval | null, count: number | null): string {
  const price = format.money(minor, currency);
  if (!interval) return price;
  if ((count ?? 1) === 1) {
    switch (interval) {
      case 'day':
        return msg(str`${price} per day`);
      case 'week':
        return msg(str`${price} per week`);
      case 'month':
        return msg(str`${price} per month`);
      case 'year':
        return msg(str`${price} per year`);
    }
  }
  const period = new Intl.NumberFormat(format.localeOf(), { style: 'unit', unit: interval, unitDisplay: 'long' }).format(count ?? 1);
  return msg(str`${price} every ${period}`);
}

/** "•••• 4242", read by screen readers as "ending in 4242" (the payment-method editor's cards too). */
export const endingIn = (last4: string): TemplateResult => html`<span aria-hidden="true">•••• </span><span class="visually-hidden">${msg('ending in')} </span>${last4}`;

/** "Visa •••• 4242", read by screen readers as "Visa ending in 4242". */
export const cardLabel = (card: { brand: CardBrand; last4: string }): TemplateResult => html`${brandName(card.brand)} ${endingIn(card.last4)}`;

export const invoiceStatusLabel = (status: InvoiceStatus): string => {
  switch (status) {
    case 'paid':
      return msg('Paid');
    case 'open':
      return msg('Open');
    case 'void':
      return msg('Void');
  }
};

export const paymentStatusLabel = (status: PaymentStatus): string => {
  switch (status) {
    case 'succeeded':
      return msg('Succeeded');
    case 'failed':
      return msg('Failed');
    case 'refunded':
      return msg('Refunded', { id: 'payment-status.refunded' });
    case 'partially_refunded':
      return msg('Partially refunded');
    case 'processing':
      return msg('Processing');
  }
};

export const subscriptionStatusLabel = (status: SubscriptionStatus): string => {
  switch (status) {
    case 'active':
      return msg('Active');
    case 'on_hold':
      return msg('On hold');
    case 'cancelled':
      return msg('Cancelled');
    case 'expired':
      return msg('Expired');
  }
};

export const keyStatusLabel = (status: LicenseKeyStatus): string => {
  switch (status) {
    case 'active':
      return msg('Active', { id: 'key-status.active' });
    case 'expired':
      return msg('Expired', { id: 'key-status.expired' });
    case 'disabled':
      return msg('Disabled');
  }
};
