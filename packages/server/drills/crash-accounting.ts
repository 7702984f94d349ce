/**
 * The crash drill's books: what its keyed requests were answered, before and after the kills, set
 * against what the server holds after the restart. Pure (no I/O), so its rules are tested on
 * answers and ledgers written out by hand (`crash-accounting.test.ts`).
 *
 * - acknowledged: the first answer was a 2xx (the client was told the write happened);
 * - lost: a 2xx answer (first or retry) whose write is not there: an id it names is missing, the
 *   subscription it shows is not in that state, or a charge it reports was not kept;
 * - duplicated: a target (a customer of a charge, the payment of a refund) with more than one
 *   kept charge or live refund — money moved twice for one key;
 * - stuck: a key whose last retry is still unanswered (`idempotency_key_in_progress`, a 5xx or no
 *   answer at all);
 * - changed: a retry that did not return the key's answer (the first answer, or for a request
 *   that died unanswered, the first retry's).
 */

export type CrashKind = 'payment' | 'subscription' | 'plan_change' | 'reactivation' | 'refund';

export interface Answer {
  status: number;
  body: string;
}

/** One keyed request of a round. `target` is the customer it charges, or the payment it refunds. */
export interface Attempt {
  key: string;
  kind: CrashKind;
  target: string;
  /** Null when the connection died with the server. */
  first: Answer | null;
  /** The same request with the same key after the restart, in order. */
  retries: Answer[];
}

/** What the server holds after the restart (merchant API lists; `processing` and integrity read from the database). */
export interface Ledger {
  payments: { payment_id: string; customer_id: string; invoice_id: string | null; amount: number; amount_refunded: number; status: string }[];
  refunds: { refund_id: string; payment_id: string; amount: number; status: string }[];
  invoices: { invoice_id: string; status: string; total: number; amount_refunded?: number | undefined }[];
  subscriptions: { subscription_id: string; product_id: string; status: string }[];
  /** The processor's own books (the sandbox ledger): charged and refunded, in minor units. */
  processor: { charged: number; refunded: number };
  /** Payments still `processing`. */
  processing: number;
  /** `PRAGMA integrity_check` (SQLite) — `ok` when sound; `ok` on PostgreSQL. */
  integrity: string;
}

export interface CrashFigures {
  requests: number;
  acknowledged: number;
  /** First answers that were not 2xx but final (a 4xx): counted, not judged. */
  refused: number;
  /** Requests whose connection died with the server. */
  unanswered: number;
  lost: number;
  duplicated: number;
  stuck: number;
  changed: number;
}

export interface CrashBooks {
  figures: CrashFigures;
  failures: string[];
}

const KEPT_PAYMENT = new Set(['succeeded', 'partially_refunded']);
const LIVE_REFUND = new Set(['succeeded', 'pending']);
const SETTLED_PAYMENT = new Set(['succeeded', 'partially_refunded', 'refunded']);

const final = (answer: Answer | null | undefined): answer is Answer =>
  answer !== null && answer !== undefined && answer.status < 500 && !answer.body.includes('"idempotency_key_in_progress"');
const parse = (body: string): Record<string, unknown> => {
  try {
    const value: unknown = JSON.parse(body);
    return value && typeof value === 'object' ? (value as Record<string, unknown>) : {};
  } catch {
    return {};
  }
};
const excerpt = (answer: Answer | null | undefined) => (answer ? `${answer.status} ${answer.body.slice(0, 160)}` : 'no answer');

/** The objects a 2xx answer shows: itself and its nested `subscription`, `payment`, `invoice`. */
function shown(body: Record<string, unknown>): Record<string, unknown>[] {
  const nested = ['subscription', 'payment', 'invoice'].map((name) => body[name]).filter((value): value is Record<string, unknown> => !!value && typeof value === 'object');
  return [body, ...nested];
}

/** Why a 2xx answer's write is not in the ledger, or undefined when it is. */
export function missingWrite(attempt: Pick<Attempt, 'kind' | 'target'>, answer: Answer, ledger: Ledger, keptCharges: number): string | undefined {
  const body = parse(answer.body);
  for (const object of shown(body)) {
    if (typeof object.refund_id === 'string' && !ledger.refunds.some((r) => r.refund_id === object.refund_id && LIVE_REFUND.has(r.status))) return `refund ${object.refund_id} is not there`;
    if (typeof object.payment_id === 'string' && object.refund_id === undefined && !ledger.payments.some((p) => p.payment_id === object.payment_id && SETTLED_PAYMENT.has(p.status))) {
      return `payment ${object.payment_id} is not there`;
    }
    if (typeof object.invoice_id === 'string' && object.refund_id === undefined && !ledger.invoices.some((i) => i.invoice_id === object.invoice_id && i.status === 'paid')) {
      return `paid invoice ${object.invoice_id} is not there`;
    }
    if (typeof object.subscription_id === 'string' && typeof object.product_id === 'string' && typeof object.status === 'string') {
      const held = ledger.subscriptions.find((s) => s.subscription_id === object.subscription_id);
      if (!held) return `subscription ${object.subscription_id} is not there`;
      if (held.product_id !== object.product_id || held.status !== object.status) {
        return `subscription ${object.subscription_id} is ${held.status} on ${held.product_id}, the answer said ${object.status} on ${object.product_id}`;
      }
    }
  }
  // A 2xx that reports a charge needs it kept (more than one kept is counted as duplicated).
  if (attempt.kind !== 'refund' && (body.payment !== null || attempt.kind !== 'plan_change') && keptCharges === 0) return 'it reports a charge, the customer has none kept';
  return undefined;
}

/**
 * The books of the drill's attempts against the ledger. `before` holds the payment ids that
 * existed before the rounds (the setup's), so only the rounds' charges are counted per target.
 */
export function reckon(attempts: Attempt[], ledger: Ledger, before: ReadonlySet<string>): CrashBooks {
  const failures: string[] = [];
  const figures: CrashFigures = { requests: attempts.length, acknowledged: 0, refused: 0, unanswered: 0, lost: 0, duplicated: 0, stuck: 0, changed: 0 };
  const kept = new Map<string, number>();
  for (const p of ledger.payments) if (!before.has(p.payment_id) && KEPT_PAYMENT.has(p.status)) kept.set(p.customer_id, (kept.get(p.customer_id) ?? 0) + 1);
  const refunds = new Map<string, number>();
  for (const r of ledger.refunds) if (LIVE_REFUND.has(r.status)) refunds.set(r.payment_id, (refunds.get(r.payment_id) ?? 0) + 1);

  for (const attempt of attempts) {
    const { first, retries } = attempt;
    const label = `${attempt.kind} ${attempt.key}`;
    if (first === null) figures.unanswered += 1;
    else if (first.status >= 200 && first.status < 300) figures.acknowledged += 1;
    else if (final(first)) figures.refused += 1;

    const last = retries.at(-1) ?? first;
    if (!final(last)) {
      figures.stuck += 1;
      failures.push(`stuck: ${label}: the last retry got ${excerpt(last)}`);
    }
    // The key's answer: the first one when it was final, else the first final retry's.
    const answer = final(first) ? first : retries.find(final);
    const changed = answer ? retries.filter((r) => final(r) && (r.status !== answer.status || r.body !== answer.body)) : [];
    if (changed.length > 0) {
      figures.changed += 1;
      failures.push(`changed: ${label}: answered ${excerpt(answer)}, a retry got ${excerpt(changed[0])}`);
    }

    const count = attempt.kind === 'refund' ? (refunds.get(attempt.target) ?? 0) : (kept.get(attempt.target) ?? 0);
    if (count > 1) {
      figures.duplicated += 1;
      failures.push(`duplicated: ${label}: ${attempt.target} has ${count} ${attempt.kind === 'refund' ? 'live refunds' : 'kept charges'}`);
    }
    const acknowledgedAnswers = [first, ...retries].filter((a): a is Answer => !!a && a.status >= 200 && a.status < 300);
    const missing = acknowledgedAnswers.map((a) => missingWrite(attempt, a, ledger, count)).find((why) => why !== undefined);
    if (missing) {
      figures.lost += 1;
      failures.push(`lost: ${label}: ${missing}`);
    }
  }
  failures.push(...balanceFailures(ledger));
  return { figures, failures };
}

/** Money totals: payments − refunds = what paid invoices kept = what the processor kept; nothing `processing`; the database sound. */
export function balanceFailures(ledger: Ledger): string[] {
  const failures: string[] = [];
  const payments = ledger.payments.filter((p) => SETTLED_PAYMENT.has(p.status)).reduce((sum, p) => sum + p.amount - p.amount_refunded, 0);
  const invoices = ledger.invoices.filter((i) => i.status === 'paid').reduce((sum, i) => sum + i.total - (i.amount_refunded ?? 0), 0);
  const processor = ledger.processor.charged - ledger.processor.refunded;
  if (payments !== invoices || payments !== processor) {
    failures.push(`unbalanced: payments − refunds = ${payments}, paid invoices − their refunds = ${invoices}, processor charged − refunded = ${processor}`);
  }
  if (ledger.processing > 0) failures.push(`processing: ${ledger.processing} payment(s) left processing`);
  const pending = ledger.refunds.filter((r) => r.status === 'pending').length;
  if (pending > 0) failures.push(`pending: ${pending} refund(s) left pending`);
  if (ledger.integrity !== 'ok') failures.push(`integrity_check: ${ledger.integrity}`);
  return failures;
}
