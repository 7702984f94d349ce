/** Runs the app on a real Node HTTP server (@hono/node-server). */
import { serve, type HttpBindings, type Http2Bindings } from '@hono/node-server';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { Server as NetServer, type Socket } from 'node:net';
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
  /**
   * Graceful: every request on a connection this server accepted — even one not yet read while
   * the event loop was busy, or not yet written by a slow client — is answered, with
   * `Connection: close`; the listener closes once accepting has been quiet (a new connection is
   * refused then; `onStopListening` is called) and idle keep-alive connections end. Waits for the
   * requests in flight (at most 8 s, then their connections are cut) and for a running scheduler
   * pass, then closes the store it opened.
   */
  close(options?: { onStopListening?: () => void }): Promise<void>;
}

const hostForUrl = (host: string) => (host.includes(':') ? `[${host}]` : host);

/** How long close() lets in-flight requests run before it cuts their connections. */
const DRAIN_DEADLINE_MS = 8_000;

/**
 * close() keeps accepting until a quiet moment: a request sent just before the signal may still
 * sit in the listen backlog while the event loop was busy, and closing the listener then resets
 * it. So the listener closes once a turn of the loop (after its poll for I/O) accepted no new
 * connection for ACCEPT_QUIET_MS, or after ACCEPT_GRACE_MAX_MS at most.
 */
const ACCEPT_QUIET_MS = 100;
const ACCEPT_GRACE_MAX_MS = 2_000;

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
/**
 * Resolves in the check phase after a poll for I/O that began after this call: bytes sent on an
 * accepted connection before the call have been read by then (a request's headers parsed, its
 * 'request' emitted), however busy the event loop was.
 */
const afterNextPoll = () => new Promise<void>((resolve) => setTimeout(() => setImmediate(resolve), 0));

/** Once closing, every answer ends its connection, so no keep-alive socket outlives the drain. */
const closeAfterAnswer = (env: HttpBindings | Http2Bindings) => {
  const outgoing = (env as Partial<HttpBindings>).outgoing as ServerResponse | undefined;
  if (outgoing && !outgoing.headersSent && typeof outgoing.setHeader === 'function') outgoing.setHeader('connection', 'close');
};

export async function startServer(options: StartServerOptions = {}): Promise<RunningServer> {
  const host = options.host ?? '127.0.0.1';
  const ownsStore = !options.store;
  const store = options.store ?? (await openStore(options.storeOptions));
  const { port: _port, host: _host, publicUrl: _publicUrl, store: _store, storeOptions: _storeOptions, scheduler: schedulerOptions, redisUrl, ...deps } = options;

  // `env` carries the Node bindings ({incoming, outgoing}): without them getConnInfo() cannot see
  // the socket, and every per-IP rate limit would share one "unknown" bucket.
  let handler: ((request: Request, env: HttpBindings | Http2Bindings) => Response | Promise<Response>) | undefined;
  let closing: Promise<void> | undefined;
  /** Set once close() has closed the listener: from then on a kept-alive connection ends once idle. */
  let listenerClosed = false;
  let accepted = 0;
  /** Per connection: requests answered so far, requests running, and bytes read when the last one was answered. */
  const connections = new Map<Socket, { answered: number; running: number; readAtAnswer: number }>();
  /**
   * Ends the kept-alive connections with nothing pending: answered before, nothing running, and
   * not a byte read since (a request begun on it is let finish). A connection that has sent no
   * request yet is left to send it: it was accepted, so its request will be answered.
   */
  const endIdleKeptAlive = () => {
    for (const [socket, { answered, running, readAtAnswer }] of connections) if (answered > 0 && running === 0 && socket.bytesRead === readAtAnswer) socket.destroy();
  };
  let server: Server;
  try {
    server = await new Promise<Server>((resolve, reject) => {
      const created = serve({
        fetch: async (request, env) => {
          const response = await (handler ? handler(request, env) : new Response('starting', { status: 503 }));
          if (closing) closeAfterAnswer(env);
          return response;
        },
        port: options.port ?? 8787,
        hostname: host,
      }) as Server;
      // Connections and the requests running on each, for close(): Node's closeIdleConnections()
      // counts a connection whose request was read but not yet answered as idle, and ends it.
      created.on('connection', (socket: Socket) => {
        accepted += 1;
        connections.set(socket, { answered: 0, running: 0, readAtAnswer: 0 });
        socket.once('close', () => connections.delete(socket));
      });
      created.on('request', (incoming: IncomingMessage, outgoing: ServerResponse) => {
        const state = connections.get(incoming.socket);
        if (!state) return;
        state.running += 1;
        outgoing.once('close', () => {
          state.running -= 1;
          state.answered += 1;
          state.readAtAnswer = incoming.socket.bytesRead;
          // An answer whose headers left before close() began kept its connection alive: end
          // that too once idle (after a poll, so a request already sent on it is seen).
          if (listenerClosed) void afterNextPoll().then(endIdleKeptAlive);
        });
      });
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

  return {
    url,
    port,
    store,
    close: ({ onStopListening } = {}) =>
      (closing ??= (async () => {
        // From here every answer ends its connection (closeAfterAnswer) and /healthz answers 503
        // shutting_down (a load balancer takes the process out of rotation while other requests
        // are still answered); the scheduler ticks no more and its running pass finishes while
        // the requests drain.
        context.shuttingDown = true;
        const schedulerStopped = scheduler?.stop();
        const deadline = setTimeout(() => server.closeAllConnections(), DRAIN_DEADLINE_MS);
        deadline.unref();
        try {
          const graceEnds = performance.now() + ACCEPT_GRACE_MAX_MS;
          for (let seen = -1; seen !== accepted && performance.now() < graceEnds;) {
            seen = accepted;
            await sleep(ACCEPT_QUIET_MS);
            await afterNextPoll();
          }
          // Stop accepting; from now on a new connection is refused.
          // net's close, not http's: http's also calls closeIdleConnections(), which resets requests
          // read but not answered yet and those sent but not read yet.
          const closed = new Promise<void>((resolve, reject) => NetServer.prototype.close.call(server, (error) => (error ? reject(error) : resolve())));
          listenerClosed = true;
          onStopListening?.();
          // A busy connection ends after its answer (Connection: close). A kept-alive idle one
          // ends once a poll has read what was sent on it before the listener closed; one
          // accepted that has not sent its request yet (a client slow to write, e.g. starved of
          // CPU) stays open for it, until the drain deadline.
          await afterNextPoll();
          endIdleKeptAlive();
          await Promise.all([closed, schedulerStopped]);
        } finally {
          clearTimeout(deadline);
        }
        context.mailQueue.stop();
        await background.idle();
        await redisLimiter?.close();
        if (ownsStore) await store.close();
      })()),
  };
}
