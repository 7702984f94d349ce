/**
 * The HTTP application: `createApp(deps)` wires middleware and one route group per audience
 * (routes/merchant, routes/portal, routes/public), each mounting its own authentication. Every
 * dependency on the outside world comes in through `deps`, so tests build an app with a frozen
 * clock and a temp database and call `app.request()`.
 */
import { ErrorCode } from '@dodo-portal/wire/schemas';
import { OpenAPIHono } from '@hono/zod-openapi';
import { bodyLimit } from 'hono/body-limit';
import { methodNotAllowed } from 'hono/method-not-allowed';
import { defaultCdnScriptPath } from './cdn-path.ts';
import { cryptoRandom, systemClock, type Clock, type Random } from './domain/ports.ts';
import { createSecretBox, generateServerSecret } from './domain/secret-box.ts';
import { preflight } from './http/cors.ts';
import type { BaseEnv } from './http/env.ts';
import { pathIds } from './http/validate.ts';
import { createErrorHandler, errorAnswer, errorJson, methodNotAllowedResponse, notFoundHandler } from './http/errors.ts';
import { requestContext } from './http/security.ts';
import { disabledMailer, type Mailer } from './mail/mailer.ts';
import { createOutboxMailer, mailRouter } from './mail/outbox.ts';
import type { PaymentProcessor } from './payments/processor.ts';
import { createSandboxProcessor } from './payments/sandbox.ts';
import { sqlSandboxLedger } from './store/sandbox-ledger.ts';
import { sandboxCors } from './http/sandbox-cors.ts';
import { defaultRateLimiter } from './http/rate-limit.ts';
import { createBackgroundTasks, type BackgroundTasks } from './services/background.ts';
import { createMailQueue, type MailQueueOptions } from './services/mail-queue.ts';
import { loginLinkMessage } from './services/portal-access.ts';
import { unifiedLoginMessage } from './services/unified.ts';
import { merchantApi } from './routes/merchant/index.ts';
import { portalApi } from './routes/portal/index.ts';
import { publicApi } from './routes/public/index.ts';
import type { Store } from './store/index.ts';
import { IDEMPOTENCY_LEASE_MS } from './services/idempotency-recovery.ts';
import type { AppContext, Logger, RateLimiter } from './runtime.ts';

export interface AppDeps {
  store: Store;
  /** The server's public origin, e.g. `https://billing.example.com` (portal links are built on it). */
  publicUrl: string;
  clock?: Clock;
  random?: Random;
  /**
   * Outgoing email (SMTP). Without one, test-mode mail goes to the outbox table and the log, and
   * anything that must send live-mode mail answers 503 `email_not_configured`.
   */
  mailer?: Mailer;
  /** The test-mode processor; defaults to the sandbox, its ledger kept in the store. */
  paymentProcessor?: PaymentProcessor;
  /** A real processor for live mode. Without one, live charges fail with `processor_not_configured`. */
  livePaymentProcessor?: PaymentProcessor;
  /** Counters for the rate limits (default: in PostgreSQL on a PostgreSQL store, else in process; on `clock`). */
  rateLimiter?: RateLimiter;
  /** Work done off the request (the mail queue's drains); tests await `idle()`. */
  background?: BackgroundTasks;
  /** Send timeout, retry schedule and login delay of the mail queue (defaults in services/mail-queue.ts). */
  mailQueue?: MailQueueOptions;
  /** Take the client IP for rate limits from X-Forwarded-For (only behind your own proxy). */
  trustProxy?: boolean;
  /** The CDN bundle served at /dodo-portal.js; defaults to the built `@dodo-portal/elements/cdn`. */
  cdnScriptPath?: string;
  logger?: Logger;
  /** Largest accepted request body (default 1 MiB). */
  maxBodyBytes?: number;
  /**
   * The server secret (`DODO_PORTAL_SECRET`, ≥ 32 characters) license keys are encrypted and
   * looked up under. Without one a random secret is made per process: keys it issues cannot be
   * read after a restart, so `serve` always passes one (see secret-file.ts).
   */
  secret?: string;
  /**
   * How long an unanswered Idempotency-Key holds before a retry recovers it (default
   * IDEMPOTENCY_LEASE_MS, 10 minutes; tests of crash recovery shorten it).
   */
  idempotencyLeaseMs?: number;
  /** Lease of a claimed webhook attempt (default WEBHOOK_LEASE_MS, 60 s; env WEBHOOK_LEASE_MS). */
  webhookLeaseMs?: number;
  /** Delays between webhook attempts (default RETRY_SCHEDULE_MS: 5 s, 5 min, … 10 h; env WEBHOOK_RETRY_SCHEDULE_MS). */
  webhookRetryScheduleMs?: readonly number[];
  /** How long a charge or refund may stay unanswered before the reconciler settles it (default RECONCILE_GRACE_MS, 10 minutes; env RECONCILE_GRACE_MS). */
  reconcileGraceMs?: number;
}

const describeError = (error: unknown) => (error instanceof Error ? (error.stack ?? error.message) : String(error));

export const consoleLogger: Logger = {
  error: (message, details) => console.error(JSON.stringify({ level: 'error', message, ...details })),
  info: (message, details) => console.log(JSON.stringify({ level: 'info', message, ...details })),
};

/** The context every handler (and the scheduler) runs on, built from the injected world. */
export function createAppContext(deps: AppDeps): AppContext {
  const clock = deps.clock ?? systemClock;
  const logger = deps.logger ?? consoleLogger;
  const random = deps.random ?? cryptoRandom;
  const mailer = deps.mailer ?? disabledMailer;
  const background = deps.background ?? createBackgroundTasks((name, error) => logger.error('background task failed', { task: name, error: describeError(error) }));
  const context: AppContext = {
    store: deps.store,
    clock,
    random,
    mailer,
    mailerFor: mailRouter(mailer, createOutboxMailer({ store: deps.store, clock, random }, logger)),
    paymentProcessor: deps.paymentProcessor ?? createSandboxProcessor({ clock, random, ledger: sqlSandboxLedger(deps.store.db) }),
    livePaymentProcessor: deps.livePaymentProcessor,
    publicUrl: deps.publicUrl.replace(/\/+$/, ''),
    cdnScriptPath: deps.cdnScriptPath ?? defaultCdnScriptPath(),
    logger,
    rateLimiter: deps.rateLimiter ?? defaultRateLimiter(deps.store, clock),
    background,
    // Set just below: its login jobs resolve on this very context.
    mailQueue: undefined as unknown as AppContext['mailQueue'],
    trustProxy: deps.trustProxy ?? false,
    idempotencyLeaseMs: deps.idempotencyLeaseMs ?? IDEMPOTENCY_LEASE_MS,
    ...(deps.webhookLeaseMs ? { webhookLeaseMs: deps.webhookLeaseMs } : {}),
    ...(deps.webhookRetryScheduleMs ? { webhookRetryScheduleMs: deps.webhookRetryScheduleMs } : {}),
    ...(deps.reconcileGraceMs ? { reconcileGraceMs: deps.reconcileGraceMs } : {}),
    errorAnswer,
    shuttingDown: false,
    secrets: createSecretBox(deps.secret ?? generateServerSecret(cryptoRandom)),
  };
  context.mailQueue = createMailQueue({
    ctx: context,
    logger,
    smtp: mailer,
    background,
    options: deps.mailQueue,
    resolve: (job) => (job.kind === 'login' ? loginLinkMessage(context, { ...job.request, mode: job.mode }) : unifiedLoginMessage(context, { ...job.request, mode: job.mode })),
  });
  return context;
}

/** The app; pass `context` to share one with the renewal scheduler (serve.ts). */
export function createApp(deps: AppDeps, context: AppContext = createAppContext(deps)): OpenAPIHono<BaseEnv> {
  const maxBodyBytes = deps.maxBodyBytes ?? 1024 * 1024;

  const app = new OpenAPIHono<BaseEnv>();
  app.onError(createErrorHandler(context.logger));
  app.notFound(notFoundHandler);

  app.use(requestContext(context));
  app.use(methodNotAllowed({ app, onMethodNotAllowed: methodNotAllowedResponse }));
  // The sandbox's tokenization endpoint is public (no secret): its CORS is answered first.
  app.use('/sandbox/*', sandboxCors);
  app.use(preflight(context));
  app.use(pathIds);
  const limitBody = bodyLimit({
    maxSize: maxBodyBytes,
    onError: (c) => errorJson(c, { code: ErrorCode.payloadTooLarge, message: `The request body is larger than ${maxBodyBytes} bytes.` }),
  });
  // GET and HEAD carry no body: bodyLimit would only learn that by reading `c.req.raw.body`, which
  // makes @hono/node-server build a full fetch Request per request (5% of the server's CPU on the
  // invoices page, issue 16's profile).
  app.use((c, next) => (c.req.method === 'GET' || c.req.method === 'HEAD' ? next() : limitBody(c, next)));

  // One group per audience, each with its own credential. The public group comes first: the
  // license API lives under `/v1` but answers before the merchant API's key check.
  app.route('/', publicApi(context));
  app.route('/v1', merchantApi(context));
  app.route('/portal/v1', portalApi(context));

  return app;
}
