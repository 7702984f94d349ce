import { cryptoRandom, systemClock, type Clock, type Random } from '../domain/ports.ts';
import type { Store } from '../store/index.ts';

/** What a use case needs from the world: the store, the time, and a randomness source. */
export interface ServiceContext {
  store: Store;
  clock: Clock;
  random: Random;
  /**
   * The real clock when `clock` is a business's test clock (services/test-clock.ts): for what
   * must follow the wall clock whatever the mode (webhook retries, leases).
   */
  realClock?: Clock;
}

/** The wall-clock time, even inside a test-mode request. */
export const realNow = (ctx: ServiceContext): Date => (ctx.realClock ?? ctx.clock).now();

export const serviceContext = (store: Store, world: Partial<Omit<ServiceContext, 'store'>> = {}): ServiceContext => ({
  store,
  clock: world.clock ?? systemClock,
  random: world.random ?? cryptoRandom,
});
