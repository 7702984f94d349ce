/** The crash drill's books, on answers and ledgers written out here: each rule must catch the server that breaks it. */
import { describe, expect, it } from 'vitest';
import { reckon, type Answer, type Attempt, type Ledger } from './crash-accounting.ts';

const payment = { payment_id: 'pay_1', customer_id: 'cus_1', invoice_id: 'inv_1', amount: 1000, amount_refunded: 0, status: 'succeeded' };
const paid: Answer = { status: 201, body: JSON.stringify({ payment_id: 'pay_1', customer_id: 'cus_1', invoice_id: 'inv_1', status: 'succeeded' }) };
const inProgress: Answer = { status: 409, body: '{"error":{"code":"idempotency_key_in_progress","message":"…"}}' };
const interrupted: Answer = { status: 409, body: '{"error":{"code":"idempotent_request_interrupted","message":"…","payment_id":"pay_2"}}' };

const ledger = (over: Partial<Ledger> = {}): Ledger => ({
  payments: [payment],
  refunds: [],
  invoices: [{ invoice_id: 'inv_1', status: 'paid', total: 1000, amount_refunded: 0 }],
  subscriptions: [],
  processor: { charged: 1000, refunded: 0 },
  processing: 0,
  integrity: 'ok',
  ...over,
});
const attempt = (over: Partial<Attempt> = {}): Attempt => ({ key: 'k1', kind: 'payment', target: 'cus_1', first: paid, retries: [paid, paid], ...over });
const none = new Set<string>();

describe('reckon', () => {
  it('passes an acknowledged charge that is there, kept once, and replayed', () => {
    const { figures, failures } = reckon([attempt()], ledger(), none);
    expect(failures).toEqual([]);
    expect(figures).toMatchObject({ requests: 1, acknowledged: 1, lost: 0, duplicated: 0, stuck: 0, changed: 0 });
  });

  it('counts an acknowledged payment that is not in the ledger as lost', () => {
    const { figures, failures } = reckon([attempt()], ledger({ payments: [], invoices: [], processor: { charged: 0, refunded: 0 } }), none);
    expect(figures.lost).toBe(1);
    expect(failures).toEqual(['lost: payment k1: payment pay_1 is not there']);
  });

  it('counts a second kept charge for one key as duplicated, and a retry that was run again as changed', () => {
    const again: Answer = { status: 201, body: JSON.stringify({ payment_id: 'pay_2', customer_id: 'cus_1', invoice_id: 'inv_2', status: 'succeeded' }) };
    const books = reckon(
      [attempt({ retries: [again] })],
      ledger({
        payments: [payment, { ...payment, payment_id: 'pay_2', invoice_id: 'inv_2' }],
        invoices: [
          { invoice_id: 'inv_1', status: 'paid', total: 1000 },
          { invoice_id: 'inv_2', status: 'paid', total: 1000 },
        ],
        processor: { charged: 2000, refunded: 0 },
      }),
      none,
    );
    expect(books.figures).toMatchObject({ duplicated: 1, changed: 1, lost: 0 });
  });

  it('does not count the setup payments of a target, nor a charge refunded in full by recovery', () => {
    const refundedByRecovery = { ...payment, payment_id: 'pay_2', invoice_id: null, amount_refunded: 1000, status: 'refunded' };
    const books = reckon(
      [attempt({ first: null, retries: [interrupted, interrupted] })],
      ledger({ payments: [payment, refundedByRecovery], processor: { charged: 2000, refunded: 1000 } }),
      new Set(['pay_1']),
    );
    expect(books.failures).toEqual([]);
    expect(books.figures).toMatchObject({ unanswered: 1, acknowledged: 0, duplicated: 0 });
  });

  it('counts a key whose last retry is still in progress (or a 5xx) as stuck; waiting first is fine', () => {
    expect(reckon([attempt({ first: null, retries: [inProgress, inProgress] })], ledger(), none).figures.stuck).toBe(1);
    expect(reckon([attempt({ first: null, retries: [{ status: 503, body: '{}' }] })], ledger(), none).figures.stuck).toBe(1);
    const books = reckon([attempt({ first: null, retries: [inProgress, paid, paid] })], ledger(), none);
    expect(books.failures).toEqual([]);
  });

  it('counts a refund key with two live refunds of its payment as duplicated, pending ones included', () => {
    const refund = (id: string, status: string) => ({ refund_id: id, payment_id: 'pay_1', amount: 300, status });
    const answer: Answer = { status: 201, body: JSON.stringify({ refund_id: 'rfnd_1', payment_id: 'pay_1', status: 'succeeded' }) };
    const books = reckon(
      [{ key: 'r1', kind: 'refund', target: 'pay_1', first: null, retries: [answer, answer] }],
      ledger({
        payments: [{ ...payment, amount_refunded: 600, status: 'partially_refunded' }],
        refunds: [refund('rfnd_1', 'succeeded'), refund('rfnd_0', 'pending')],
        invoices: [{ invoice_id: 'inv_1', status: 'paid', total: 1000, amount_refunded: 600 }],
        processor: { charged: 1000, refunded: 600 },
      }),
      new Set(['pay_1']),
    );
    expect(books.figures.duplicated).toBe(1);
    expect(books.failures).toContain('pending: 1 refund(s) left pending');
  });

  it('checks the subscription an answer shows against the one held', () => {
    const changed: Answer = { status: 200, body: JSON.stringify({ subscription: { subscription_id: 'sub_1', product_id: 'prod_b', status: 'active' }, payment: null, invoice: null }) };
    const held = ledger({ subscriptions: [{ subscription_id: 'sub_1', product_id: 'prod_a', status: 'active' }] });
    const books = reckon([attempt({ kind: 'plan_change', first: changed, retries: [changed] })], held, none);
    expect(books.failures).toEqual(['lost: plan_change k1: subscription sub_1 is active on prod_a, the answer said active on prod_b']);
  });

  it('balances payments − refunds against paid invoices and the processor, and reads processing and integrity', () => {
    expect(reckon([], ledger({ processor: { charged: 1000, refunded: 300 } }), none).failures).toEqual([
      'unbalanced: payments − refunds = 1000, paid invoices − their refunds = 1000, processor charged − refunded = 700',
    ]);
    expect(reckon([], ledger({ processing: 2, integrity: 'row 3 missing from index' }), none).failures).toEqual([
      'processing: 2 payment(s) left processing',
      'integrity_check: row 3 missing from index',
    ]);
  });
});
