/**
 * TEST ONLY: the real sandbox processor on the store's ledger that, when told to, does its work
 * and then never answers (`after`: the charge or refund is on the ledger, the caller never hears),
 * or fails before it is reached (`before`): how a test makes an answer get lost without mocks.
 */
import { cryptoRandom, type Clock } from '../domain/ports.ts';
import type { PaymentProcessor } from '../payments/processor.ts';
import { createSandboxProcessor } from '../payments/sandbox.ts';
import type { Store } from '../store/index.ts';
import { sqlSandboxLedger } from '../store/sandbox-ledger.ts';

const never = <T>() => new Promise<T>(() => undefined);

export type Stall = 'none' | 'after' | 'before';

export function stallingSandbox(store: Store, clock: Clock): PaymentProcessor & { stall: Stall } {
  const real = createSandboxProcessor({ clock, random: cryptoRandom, ledger: sqlSandboxLedger(store.db) });
  const processor = {
    ...real,
    stall: 'none' as Stall,
    async charge(request: Parameters<PaymentProcessor['charge']>[0]) {
      if (processor.stall === 'before') throw new Error('connect ECONNRESET (the request never reached the processor)');
      const charge = await real.charge(request);
      return processor.stall === 'after' ? never<typeof charge>() : charge;
    },
    async refund(...args: Parameters<PaymentProcessor['refund']>) {
      const refund = await real.refund(...args);
      return processor.stall === 'after' ? never<typeof refund>() : refund;
    },
  };
  return processor;
}
