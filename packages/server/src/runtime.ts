/**
 * The runtime types every layer shares: the logger, the contexts a use case or a request runs in,
 * and the ports they carry. It sits under everything: it imports only domain code and the types
 * of leaf modules (the store handle, the mailer, the processor, background tasks), none of which imports the app back, so no import circle can pass through it and
 * nothing below `http/` needs to import from `http/` to get a logger or a context.
 */
import type { Mode } from '@dodo-portal/wire/schemas';
import type { Kysely, Transaction } from 'kysely';
import type { WireError } from './domain/errors.ts';
import { cryptoRandom, systemClock, type Clock, type Random } from './domain/ports.ts';
import { createSecretBox, generateServerSecret, type SecretBox } from './domain/secret-box.ts';
import type { MailMessage, Mailer } from './mail/mailer.ts';
import type { PaymentProcessor } from './payments/processor.ts';
import type { BackgroundTasks } from './services/background.ts';
import type { Database, Store } from './store/index.ts';

export interface Logger {
  error(message: string, details?: Record<string, unknown>): void;
  info(message: string, details?: Record<string, unknown>): void;
}

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

/** A rate limit's port (http/rate-limit.ts: in process, in PostgreSQL, in Redis). */
export interface RateRule {
  /** Names the counter, e.g. `login:ip`. */
  name: string;
  limit: number;
  windowMs: number;
}

export type RateDecision = { allowed: true } | { allowed: false; retryAfterSeconds: number };

export interface RateLimiter {
  /**
   * Counts one attempt for `key` under `rule`, unless the rule's limit is already reached.
   * Rejects when a shared store cannot count (the request then answers 503).
   */
  hit(rule: RateRule, key: string): Promise<RateDecision>;
}

/** A login request as typed, resolved by the mail queue's drain (services/mail-queue.ts). */
export type LoginJob = { kind: 'login'; mode: Mode; request: { business_id: string; email: string } } | { kind: 'unified_login'; mode: Mode; request: { email: string } };

/** Outgoing mail (implemented by services/mail-queue.ts). */
export interface MailQueue {
  /** Queues a message; in a transaction it is sent after the commit (never if it rolls back). */
  enqueue(db: Kysely<Database> | Transaction<Database>, mode: Mode, message: MailMessage): Promise<void>;
  /** Queues a login request; the drain resolves it later. Same cost for every email. */
  enqueueLogin(job: LoginJob): Promise<void>;
  /** Drain soon (after this turn of the event loop). */
  kick(): void;
  /** One pass now; how many rows it handled. */
  drain(): Promise<number>;
  stop(): void;
}

/** An HTTP answer as an Idempotency-Key keeps it, to replay. */
export interface StoredAnswer {
  status: number;
  body: string;
}

/** Everything a request handler may use, resolved once per app. */
export interface AppContext extends ServiceContext {
  /** The SMTP mailer, or the refusing `disabledMailer` when SMTP_URL is not set. */
  mailer: Mailer;
  /** The mailer for mail of a mode: SMTP if configured, else the outbox (test) or the refusal (live). */
  mailerFor: (mode: Mode) => Mailer;
  paymentProcessor: PaymentProcessor;
  /** Live-mode charges; without one they fail with `processor_not_configured` (the sandbox is test-only). */
  livePaymentProcessor: PaymentProcessor | undefined;
  /** The server's public origin (links in sessions, e-mails). No trailing slash. */
  publicUrl: string;
  /** The built CDN bundle served at /dodo-portal.js, or undefined when it cannot be located. */
  cdnScriptPath: string | undefined;
  logger: Logger;
  rateLimiter: RateLimiter;
  background: BackgroundTasks;
  /** Outgoing mail: queued, sent after the commit by its drain (services/mail-queue.ts). */
  mailQueue: MailQueue;
  /** Read the client IP from X-Forwarded-For (rate limits). */
  trustProxy: boolean;
  /** How long an unanswered Idempotency-Key holds before a retry may recover it (real time). */
  idempotencyLeaseMs: number;
  /** Lease of a claimed webhook attempt (services/webhooks.ts WEBHOOK_LEASE_MS when unset). */
  webhookLeaseMs?: number;
  /** Delays between webhook attempts (services/webhooks.ts RETRY_SCHEDULE_MS when unset). */
  webhookRetryScheduleMs?: readonly number[];
  /** How long a charge or refund may stay unanswered before it is reconciled (services/reconciliation.ts RECONCILE_GRACE_MS when unset). */
  reconcileGraceMs?: number;
  /**
   * An error as a stored HTTP answer (`errorAnswer` of http/errors.ts, which alone knows each
   * code's status): for answers written off any request, such as the scheduler's for an
   * interrupted Idempotency-Key.
   */
  errorAnswer: (error: WireError) => StoredAnswer;
  /**
   * Set by serve.ts once close() has begun: accepted requests are still answered while they
   * drain, but `/healthz` answers 503 `shutting_down` so a load balancer stops sending traffic.
   */
  shuttingDown: boolean;
}
