/**
 * How a card reads wherever the editor shows one (the current card, the choices, the saved list,
 * the new-card form's brand mark), and the processor's refusals of a card in words.
 */
import { html, nothing, type TemplateResult } from 'lit';
import { msg, str } from '@lit/localize';
import type { CardBrand } from '@dodo-portal/wire/client';
import { endingIn } from '../../controllers/format.ts';
import { declineText } from '../decline.ts';
import { brandName } from './card.ts';

export const renderBrand = (brand: CardBrand): TemplateResult => html`<span part="brand" class="brand brand--${brand}">${brandName(brand)}</span>`;

export function renderCard(method: { brand: CardBrand; last4: string; exp_month?: number; exp_year?: number }): TemplateResult {
  const expiry = `${String(method.exp_month).padStart(2, '0')}/${String(method.exp_year).slice(-2)}`;
  return html`<span part="card" class="card"
    >${renderBrand(method.brand)}
    <span>${endingIn(method.last4)}</span>
    ${method.exp_year ? html`<span class="muted">${msg(str`Expires ${expiry}`, { id: 'pm.expires' })}</span>` : nothing}</span
  >`;
}

/**
 * A decline on this card, in words. The codes a customer can fix in the form get the form's own
 * words; expiry, funds and processing errors read as everywhere else (`declineText`).
 */
export function cardDeclineText(code: string | undefined): string {
  switch (code) {
    case 'incorrect_cvc':
    case 'invalid_cvc':
      return msg('The security code (CVC) is incorrect.');
    case 'invalid_number':
    case 'incorrect_number':
      return msg('This card number is not valid. Check it and try again.');
    case 'expired_card':
    case 'insufficient_funds':
    case 'processing_error':
      return declineText(code);
    case 'card_declined':
      return msg('Your bank declined the payment.');
    default:
      return msg('The card was not accepted.');
  }
}
