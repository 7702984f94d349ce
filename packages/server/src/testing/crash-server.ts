/**
 * TEST ONLY: a server process that a test kills with SIGKILL in the middle of a charge
 * (src/http/idempotency-crash.test.ts). It is `startServer` over the store the environment names,
 * with the ordinary sandbox processor, except that a charge of exactly one chosen amount never
 * returns: with `CRASH_HANG_BEFORE_AMOUNT` it hangs before the sandbox sees it (nothing charged);
 * with `CRASH_HANG_AFTER_AMOUNT` it hangs after the sandbox charged it (money moved, the answer
 * lost); with `CRASH_HANG_REFUND_AMOUNT` a refund of that amount hangs after the sandbox refunded it.
 * Each way it prints one JSON line (`{"hung":"before"|"after","idempotency_key":…}`) so
 * the test kills it at that exact point (`"refund"` for the refund hang). Nothing in the server reads these variables.
 *
 * Env: `DATABASE_URL` (postgres) or `DODO_PORTAL_DB` (SQLite file); `IDEMPOTENCY_LEASE_MS`;
 * `DODO_PORTAL_SECRET` when it shares a database with `dodo-portal serve` processes.
 * Prints `{"listening":url}` when ready.
 */
import { cryptoRandom, systemClock } from '../domain/ports.ts';
import { createSandboxProcessor } from '../payments/sandbox.ts';
import type { PaymentProcessor } from '../payments/processor.ts';
import { startServer } from '../serve.ts';
import { openStore, storeOptionsFromEnv } from '../store/index.ts';
import { sqlSandboxLedger } from '../store/sandbox-ledger.ts';
import { TEST_SERVER_SECRET } from './harness.ts';

const env = process.env;
const store = await openStore(storeOptionsFromEnv(env));
const sandbox = createSandboxProcessor({ clock: systemClock, random: cryptoRandom, ledger: sqlSandboxLedger(store.db) });
const before = Number(env.CRASH_HANG_BEFORE_AMOUNT ?? NaN);
const after = Number(env.CRASH_HANG_AFTER_AMOUNT ?? NaN);
const refundAfter = Number(env.CRASH_HANG_REFUND_AMOUNT ?? NaN);
const forever = () => new Promise<never>(() => undefined);
const say = (line: object) => process.stdout.write(`${JSON.stringify(line)}\n`);

const processor: PaymentProcessor = {
  ...sandbox,
  charge: async (request) => {
    if (request.amount === before) {
      say({ hung: 'before', idempotency_key: request.idempotencyKey });
      return forever();
    }
    const charge = await sandbox.charge(request);
    if (request.amount === after) {
      say({ hung: 'after', idempotency_key: request.idempotencyKey });
      return forever();
    }
    return charge;
  },
  refund: async (chargeId, amount, idempotencyKey) => {
    const refund = await sandbox.refund(chargeId, amount, idempotencyKey);
    if (amount === refundAfter) {
      say({ hung: 'refund', idempotency_key: idempotencyKey });
      return forever();
    }
    return refund;
  },
};

const server = await startServer({
  port: 0,
  store,
  paymentProcessor: processor,
  scheduler: false,
  secret: env.DODO_PORTAL_SECRET || TEST_SERVER_SECRET,
  ...(env.IDEMPOTENCY_LEASE_MS ? { idempotencyLeaseMs: Number(env.IDEMPOTENCY_LEASE_MS) } : {}),
});
say({ listening: server.url });
