/**
 * Which `Idempotency-Key` the current request runs under, for the code that charges: before the
 * processor is called, the payment is noted on the key, so a recovery after the process died
 * knows what may have been charged (services/idempotency-recovery.ts). Kept apart from the
 * recovery so charging.ts does not import the reconciler (which imports charging).
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { tieIdempotencyPayment } from '../store/idempotency.ts';
import type { Scope } from '../store/scope.ts';
import type { ServiceContext } from '../runtime.ts';

export interface KeyedRequest {
  scope: Scope;
  key: string;
  /** When the key's lease lapses (real time): a retry may then take the key over as a dead request's. */
  leaseUntil?: string;
}

const keyedRequest = new AsyncLocalStorage<KeyedRequest>();

/** Runs a keyed request's handler (http/idempotency.ts). */
export function runUnderIdempotencyKey<T>(request: KeyedRequest, run: () => Promise<T>): Promise<T> {
  return keyedRequest.run(request, run);
}

/**
 * The running request's key lease, if it has one: a billing lock it takes lapses no later
 * (services/settlement.ts), so a retry that takes the key over after the lease never finds the
 * dead request still holding what it billed.
 */
export const keyLeaseUntil = (): string | undefined => keyedRequest.getStore()?.leaseUntil;

/**
 * Notes a payment the running request is about to record `processing` — or a refund it is about
 * to reserve `pending` — on its key, if it has one (one column: the id's prefix tells which).
 */
export async function notePaymentForKey(ctx: ServiceContext, paymentId: string): Promise<void> {
  const request = keyedRequest.getStore();
  if (request) await tieIdempotencyPayment(ctx.store.db, request.scope, request.key, paymentId);
}
