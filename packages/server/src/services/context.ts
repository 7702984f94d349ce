import { cryptoRandom, systemClock, type Clock, type Random } from '../domain/ports.ts';
import type { Store } from '../store/index.ts';

/** What a use case needs from the world: the store, the time, and a randomness source. */
export interface ServiceContext {
  store: Store;
  clock: Clock;
  random: Random;
}

export const serviceContext = (store: Store, world: Partial<Omit<ServiceContext, 'store'>> = {}): ServiceContext => ({
  store,
  clock: world.clock ?? systemClock,
  random: world.random ?? cryptoRandom,
});
