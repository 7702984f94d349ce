/**
 * The HTTP application: `createApp(deps)` wires middleware and one sub-app per resource. Every
 * dependency on the outside world comes in through `deps`, so tests build an app with a frozen
 * clock and a temp database and call `app.request()`.
 */
import { ErrorCode } from '@dodo-portal/wire/schemas';
import { Hono, type MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { methodNotAllowed } from 'hono/method-not-allowed';
import { defaultCdnScriptPath } from './cdn-path.ts';
import { cryptoRandom, systemClock, type Clock, type Random } from './domain/ports.ts';
import { merchantAuth, portalAuth } from './http/auth.ts';
import { portalCors, preflight } from './http/cors.ts';
import type { AppContext, BaseEnv, Logger } from './http/env.ts';
import { createErrorHandler, errorJson, methodNotAllowedResponse, notFoundHandler } from './http/errors.ts';
import { requestContext } from './http/security.ts';
import { createNodemailerMailer, type Mailer } from './mail/mailer.ts';
import type { PaymentProcessor } from './payments/processor.ts';
import { createSandboxProcessor } from './payments/sandbox.ts';
import { customerRoutes } from './routes/customers.ts';
import { healthRoutes } from './routes/health.ts';
import { hostedRoutes } from './routes/hosted.ts';
import { invoiceRoutes } from './routes/invoices.ts';
import { portalSessionRoutes } from './routes/portal-sessions.ts';
import { portalRoutes } from './routes/portal.ts';
import type { Store } from './store/index.ts';

export interface AppDeps {
  store: Store;
  /** The server's public origin, e.g. `https://billing.example.com` (portal links are built on it). */
  publicUrl: string;
  clock?: Clock;
  random?: Random;
  mailer?: Mailer;
  paymentProcessor?: PaymentProcessor;
  /** The CDN bundle served at /dodo-portal.js; defaults to the built `@dodo-portal/elements/cdn`. */
  cdnScriptPath?: string;
  logger?: Logger;
  /** Largest accepted request body (default 1 MiB). */
  maxBodyBytes?: number;
}

export const consoleLogger: Logger = {
  error: (message, details) => console.error(JSON.stringify({ level: 'error', message, ...details })),
  info: (message, details) => console.log(JSON.stringify({ level: 'info', message, ...details })),
};

const noStore: MiddlewareHandler = async (c, next) => {
  await next();
  if (!c.res.headers.has('cache-control')) c.header('cache-control', 'no-store');
};

export function createApp(deps: AppDeps): Hono<BaseEnv> {
  const clock = deps.clock ?? systemClock;
  const random = deps.random ?? cryptoRandom;
  const context: AppContext = {
    store: deps.store,
    clock,
    random,
    mailer: deps.mailer ?? createNodemailerMailer({ from: 'billing@localhost' }),
    paymentProcessor: deps.paymentProcessor ?? createSandboxProcessor({ clock, random }),
    publicUrl: deps.publicUrl.replace(/\/+$/, ''),
    cdnScriptPath: deps.cdnScriptPath ?? defaultCdnScriptPath(),
    logger: deps.logger ?? consoleLogger,
  };
  const maxBodyBytes = deps.maxBodyBytes ?? 1024 * 1024;

  const app = new Hono<BaseEnv>();
  app.onError(createErrorHandler(context.logger));
  app.notFound(notFoundHandler);

  app.use(requestContext(context));
  app.use(methodNotAllowed({ app, onMethodNotAllowed: methodNotAllowedResponse }));
  app.use(preflight(context));
  app.use(
    bodyLimit({
      maxSize: maxBodyBytes,
      onError: (c) => errorJson(c, 413, { code: ErrorCode.payloadTooLarge, message: `The request body is larger than ${maxBodyBytes} bytes.` }),
    }),
  );

  app.use('/v1/*', noStore, merchantAuth(context));
  app.use('/portal/v1/*', portalCors(context), noStore, portalAuth(context));

  app.route('/v1/customers', customerRoutes(context));
  app.route('/v1/customers', portalSessionRoutes(context));
  app.route('/v1/invoices', invoiceRoutes(context));
  app.route('/portal/v1', portalRoutes(context));
  app.route('/healthz', healthRoutes(context));
  app.route('/', hostedRoutes(context));

  return app;
}
