/** Properties of the refund limits: whatever is asked, in any order, refunds never sum above the payment. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DomainError } from './errors.ts';
import { assertRefundable, refundAmount } from './refunds.ts';

const codeOf = (run: () => unknown): string | undefined => {
  try {
    run();
    return undefined;
  } catch (error) {
    if (error instanceof DomainError) return error.code;
    throw error;
  }
};

describe('refund limits', () => {
  it('grants a sequence of asks only while they fit, refunds the rest when nothing is asked, and never more than the amount', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1_000_000 }), fc.array(fc.option(fc.integer({ min: 1, max: 1_200_000 }), { nil: undefined }), { maxLength: 12 }), (amount, asks) => {
        let refunded = 0;
        for (const asked of asks) {
          const remaining = amount - refunded;
          const code = codeOf(() => refundAmount({ amount, amount_refunded: refunded }, asked));
          if (asked !== undefined && asked > remaining) {
            expect(code).toBe('refund_exceeds_payment');
            continue;
          }
          expect(code).toBeUndefined();
          const granted = refundAmount({ amount, amount_refunded: refunded }, asked);
          expect(granted).toBe(asked ?? remaining);
          refunded += granted;
          expect(refunded).toBeLessThanOrEqual(amount);
        }
      }),
    );
  });

  it('refuses a payment that is not settled with a processor charge as invalid_request', () => {
    fc.assert(
      fc.property(fc.constantFrom('processing', 'succeeded', 'failed', 'refunded', 'partially_refunded'), fc.option(fc.constant('ch_1')), (status, charge) => {
        const refundable = (status === 'succeeded' || status === 'partially_refunded') && charge !== null;
        const code = codeOf(() => assertRefundable({ status, amount: 100, amount_refunded: 0, processor_charge_id: charge }));
        expect(code).toBe(refundable ? undefined : 'invalid_request');
      }),
    );
  });
});
