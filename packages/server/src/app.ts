/**
 * The HTTP application: `createApp(deps)` wires middleware and one sub-app per resource. Every
 * dependency on the outside world comes in through `deps`, so tests build an app with a frozen
 * clock and a temp database and call `app.request()`.
 */
import { ErrorCode } from '@dodo-portal/wire/schemas';
import { Hono, type MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { except } from 'hono/combine';
import { methodNotAllowed } from 'hono/method-not-allowed';
import { defaultCdnScriptPath } from './cdn-path.ts';
import { cryptoRandom, systemClock, type Clock, type Random } from './domain/ports.ts';
import { createSecretBox, generateServerSecret } from './domain/secret-box.ts';
import { merchantAuth, portalAuth } from './http/auth.ts';
import { portalCors, preflight } from './http/cors.ts';
import type { BaseEnv } from './http/env.ts';
import { pathIds } from './http/validate.ts';
import { createErrorHandler, errorAnswer, errorJson, methodNotAllowedResponse, notFoundHandler } from './http/errors.ts';
import { requestContext } from './http/security.ts';
import { disabledMailer, type Mailer } from './mail/mailer.ts';
import { createOutboxMailer, mailRouter } from './mail/outbox.ts';
import type { PaymentProcessor } from './payments/processor.ts';
import { createSandboxProcessor } from './payments/sandbox.ts';
import { sqlSandboxLedger } from './store/sandbox-ledger.ts';
import { idempotency, portalIdempotency } from './http/idempotency.ts';
import { sandboxCors } from './http/sandbox-cors.ts';
import { businessRoutes } from './routes/business.ts';
import { productRoutes } from './routes/products.ts';
import { productCollectionRoutes } from './routes/product-collections.ts';
import { subscriptionRoutes } from './routes/subscriptions.ts';
import { paymentRoutes } from './routes/payments.ts';
import { refundRoutes } from './routes/refunds.ts';
import { portalPaymentRoutes } from './routes/portal-payments.ts';
import { portalPaymentMethodRoutes } from './routes/portal-payment-methods.ts';
import { portalDuesRoutes } from './routes/portal-dues.ts';
import { sandboxRoutes } from './routes/sandbox.ts';
import { customerRoutes } from './routes/customers.ts';
import { healthRoutes } from './routes/health.ts';
import { openApiRoutes } from './routes/openapi.ts';
import { hostedRoutes } from './routes/hosted.ts';
import { hostedAccessRoutes } from './routes/hosted-access.ts';
import { PUBLIC_PORTAL_PATHS, portalAccessRoutes } from './routes/portal-access.ts';
import { UNIFIED_PORTAL_PATHS, unifiedRoutes } from './routes/unified.ts';
import { createMemoryRateLimiter } from './http/rate-limit.ts';
import { createBackgroundTasks, type BackgroundTasks } from './services/background.ts';
import { createMailQueue, type MailQueueOptions } from './services/mail-queue.ts';
import { loginLinkMessage } from './services/portal-access.ts';
import { unifiedLoginMessage } from './services/unified.ts';
import { invoiceRoutes } from './routes/invoices.ts';
import { portalSessionRoutes } from './routes/portal-sessions.ts';
import { portalRoutes } from './routes/portal.ts';
import { portalSubscriptionRoutes } from './routes/portal-subscriptions.ts';
import { portalProfileRoutes } from './routes/portal-profile.ts';
import { testClockRoutes } from './routes/test-clock.ts';
import { webhookEndpointRoutes } from './routes/webhook-endpoints.ts';
import { usageEventRoutes } from './routes/usage-events.ts';
import { licenseKeyRoutes } from './routes/license-keys.ts';
import { PUBLIC_LICENSE_PATHS, licenseRoutes } from './routes/licenses.ts';
import { portalLicenseKeyRoutes } from './routes/portal-license-keys.ts';
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
  /** Counters for the login and magic-link rate limits (default: in-process, on `clock`). */
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
}

const describeError = (error: unknown) => (error instanceof Error ? (error.stack ?? error.message) : String(error));

export const consoleLogger: Logger = {
  error: (message, details) => console.error(JSON.stringify({ level: 'error', message, ...details })),
  info: (message, details) => console.log(JSON.stringify({ level: 'info', message, ...details })),
};

const noStore: MiddlewareHandler = async (c, next) => {
  await next();
  if (!c.res.headers.has('cache-control')) c.header('cache-control', 'no-store');
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
    rateLimiter: deps.rateLimiter ?? createMemoryRateLimiter(clock),
    background,
    // Set just below: its login jobs resolve on this very context.
    mailQueue: undefined as unknown as AppContext['mailQueue'],
    trustProxy: deps.trustProxy ?? false,
    idempotencyLeaseMs: deps.idempotencyLeaseMs ?? IDEMPOTENCY_LEASE_MS,
    errorAnswer,
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
export function createApp(deps: AppDeps, context: AppContext = createAppContext(deps)): Hono<BaseEnv> {
  const maxBodyBytes = deps.maxBodyBytes ?? 1024 * 1024;

  const app = new Hono<BaseEnv>();
  app.onError(createErrorHandler(context.logger));
  app.notFound(notFoundHandler);

  app.use(requestContext(context));
  app.use(methodNotAllowed({ app, onMethodNotAllowed: methodNotAllowedResponse }));
  // The sandbox's tokenization endpoint is public (no secret): its CORS is answered first.
  app.use('/sandbox/*', sandboxCors);
  app.use(preflight(context));
  app.use(pathIds);
  app.use(
    bodyLimit({
      maxSize: maxBodyBytes,
      onError: (c) => errorJson(c, { code: ErrorCode.payloadTooLarge, message: `The request body is larger than ${maxBodyBytes} bytes.` }),
    }),
  );

  // The public license API is called with a license key, not a merchant key.
  app.use('/v1/*', noStore, except(PUBLIC_LICENSE_PATHS, merchantAuth(context)));
  app.use('/v1/*', except(PUBLIC_LICENSE_PATHS, idempotency(context)));
  // Asking for a sign-in link and exchanging one need no session; the unified portal has its own tokens.
  app.use('/portal/v1/*', portalCors(context), noStore, except([...PUBLIC_PORTAL_PATHS, UNIFIED_PORTAL_PATHS], portalAuth(context)));
  // Charging portal writes (plan changes, dues, paying an invoice) honour Idempotency-Key, per customer.
  app.use('/portal/v1/subscriptions/*', portalIdempotency(context));
  app.use('/portal/v1/invoices/*', portalIdempotency(context));

  app.route('/v1/customers', customerRoutes(context));
  app.route('/v1/customers', portalSessionRoutes(context));
  app.route('/v1/invoices', invoiceRoutes(context));
  app.route('/v1/business', businessRoutes(context));
  app.route('/v1/products', productRoutes(context));
  app.route('/v1/product-collections', productCollectionRoutes(context));
  app.route('/v1/subscriptions', subscriptionRoutes(context));
  app.route('/v1/payments', paymentRoutes(context));
  app.route('/v1/refunds', refundRoutes());
  app.route('/v1/test-clock', testClockRoutes(context));
  app.route('/v1/webhook-endpoints', webhookEndpointRoutes());
  app.route('/v1/usage-events', usageEventRoutes());
  app.route('/v1/license-keys', licenseKeyRoutes());
  app.route('/v1/licenses', licenseRoutes(context));
  app.route('/portal/v1/payments', portalPaymentRoutes(context));
  app.route('/sandbox/v1', sandboxRoutes(context));
  app.route('/portal/v1', portalAccessRoutes(context));
  app.route('/portal/v1/unified', unifiedRoutes(context));
  app.route('/portal/v1/subscriptions', portalSubscriptionRoutes(context));
  app.route('/portal/v1/subscriptions', portalDuesRoutes(context));
  app.route('/portal/v1/payment-methods', portalPaymentMethodRoutes(context));
  app.route('/portal/v1/profile', portalProfileRoutes(context));
  app.route('/portal/v1', portalRoutes(context));
  app.route('/portal/v1/license-keys', portalLicenseKeyRoutes(context));
  app.route('/healthz', healthRoutes(context));
  app.route('/openapi.json', openApiRoutes(context));
  app.route('/', hostedRoutes(context));
  app.route('/', hostedAccessRoutes(context));

  return app;
}
