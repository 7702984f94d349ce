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
}

const keyedRequest = new AsyncLocalStorage<KeyedRequest>();

/** Runs a keyed request's handler (http/idempotency.ts). */
export function runUnderIdempotencyKey<T>(request: KeyedRequest, run: () => Promise<T>): Promise<T> {
  return keyedRequest.run(request, run);
}

/** Notes a payment recorded `processing` on the running request's key, if it has one. */
export async function notePaymentForKey(ctx: ServiceContext, paymentId: string): Promise<void> {
  const request = keyedRequest.getStore();
  if (request) await tieIdempotencyPayment(ctx.store.db, request.scope, request.key, paymentId);
}
