/** Runs the app on a real Node HTTP server (@hono/node-server). */
import { serve, type HttpBindings, type Http2Bindings } from '@hono/node-server';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { consoleLogger, createApp, createAppContext, type AppDeps } from './app.ts';
import { systemClock } from './domain/ports.ts';
import { createRedisRateLimiter } from './http/redis-rate-limit.ts';
import { startScheduler, type Scheduler } from './services/scheduler.ts';
import { createBackgroundTasks } from './services/background.ts';
import { openStore, type Store, type StoreOptions } from './store/index.ts';

export interface StartServerOptions extends Partial<Omit<AppDeps, 'store' | 'publicUrl'>> {
  /** Default 8787; 0 picks a free port. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** Default `http://{host}:{port}`. */
  publicUrl?: string;
  /** An open store to use (the caller closes it), or… */
  store?: Store;
  /** …how to open one (closed with the server). Default: SQLite at ./data/dodo-portal.db. */
  storeOptions?: StoreOptions;
  /** Renewals and webhook deliveries: every `intervalMs` (default 30 s), or `false` for none. */
  scheduler?: { intervalMs?: number } | false;
  /** `REDIS_URL`: keep the rate-limit counters in this Redis (connected at start, closed with the server) unless `rateLimiter` is given. */
  redisUrl?: string;
}

export interface RunningServer {
  url: string;
  port: number;
  store: Store;
  close(): Promise<void>;
}

const hostForUrl = (host: string) => (host.includes(':') ? `[${host}]` : host);

export async function startServer(options: StartServerOptions = {}): Promise<RunningServer> {
  const host = options.host ?? '127.0.0.1';
  const ownsStore = !options.store;
  const store = options.store ?? (await openStore(options.storeOptions));
  const { port: _port, host: _host, publicUrl: _publicUrl, store: _store, storeOptions: _storeOptions, scheduler: schedulerOptions, redisUrl, ...deps } = options;

  // `env` carries the Node bindings ({incoming, outgoing}): without them getConnInfo() cannot see
  // the socket, and every per-IP rate limit would share one "unknown" bucket.
  let handler: ((request: Request, env: HttpBindings | Http2Bindings) => Response | Promise<Response>) | undefined;
  let server: Server;
  try {
    server = await new Promise<Server>((resolve, reject) => {
      const created = serve({
        fetch: (request, env) => (handler ? handler(request, env) : new Response('starting', { status: 503 })),
        port: options.port ?? 8787,
        hostname: host,
      }) as Server;
      created.once('listening', () => resolve(created));
      created.once('error', reject);
    });
  } catch (error) {
    if (ownsStore) await store.close();
    throw error;
  }

  const port = (server.address() as AddressInfo).port;
  const url = `http://${hostForUrl(host)}:${port}`;
  const logger = deps.logger ?? consoleLogger;
  // Owned here so close() can let running mail-queue work finish before the store closes.
  const background =
    deps.background ??
    createBackgroundTasks((name, error) => logger.error('background task failed', { task: name, error: error instanceof Error ? (error.stack ?? error.message) : String(error) }));
  let redisLimiter: Awaited<ReturnType<typeof createRedisRateLimiter>> | undefined;
  if (redisUrl && !deps.rateLimiter) {
    try {
      redisLimiter = await createRedisRateLimiter({ url: redisUrl, clock: deps.clock ?? systemClock, logger });
    } catch (error) {
      await new Promise((resolve) => server.close(resolve));
      if (ownsStore) await store.close();
      throw error;
    }
  }
  const appDeps: AppDeps = { ...deps, ...(redisLimiter ? { rateLimiter: redisLimiter } : {}), logger, background, store, publicUrl: options.publicUrl ?? url };
  const context = createAppContext(appDeps);
  const app = createApp(appDeps, context);
  handler = (request, env) => app.fetch(request, env);
  const scheduler: Scheduler | undefined = schedulerOptions === false ? undefined : startScheduler(context, schedulerOptions ?? {});

  let closing: Promise<void> | undefined;
  return {
    url,
    port,
    store,
    close: () =>
      (closing ??= (async () => {
        await new Promise<void>((resolve, reject) => {
          server.close((error) => (error ? reject(error) : resolve()));
          server.closeIdleConnections();
        });
        await scheduler?.stop();
        context.mailQueue.stop();
        await background.idle();
        await redisLimiter?.close();
        if (ownsStore) await store.close();
      })()),
  };
}
