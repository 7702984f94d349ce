import { msg } from '@lit/localize';

/** The processor's decline code in words: a failed charge in the plan switcher, the transaction list and the card editor. */
export function declineText(code: string | null | undefined): string {
  switch (code) {
    case 'insufficient_funds':
      return msg('The card has insufficient funds.');
    case 'expired_card':
      return msg('The card has expired.');
    case 'processing_error':
      return msg('The card could not be charged because of a processing error.');
    default:
      return msg('The card was declined.');
  }
}
