import { cryptoRandom, systemClock, type Clock, type Random } from '../domain/ports.ts';
import { createSecretBox, generateServerSecret, type SecretBox } from '../domain/secret-box.ts';
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
  /**
   * License keys at rest: sealed and looked up under subkeys of the server secret
   * (domain/secret-box.ts). Set by `serviceContext()` and `createAppContext()`; optional only so
   * contexts built by hand for other work (mail, tests) need not carry it.
   */
  secrets?: SecretBox;
}

/** The wall-clock time, even inside a test-mode request. */
export const realNow = (ctx: ServiceContext): Date => (ctx.realClock ?? ctx.clock).now();

export const serviceContext = (store: Store, world: Partial<Omit<ServiceContext, 'store'>> = {}): ServiceContext & { secrets: SecretBox } => ({
  store,
  clock: world.clock ?? systemClock,
  random: world.random ?? cryptoRandom,
  // Without the server secret: a throwaway one, so keys sealed here open only in this process.
  secrets: world.secrets ?? createSecretBox(generateServerSecret(cryptoRandom)),
});
