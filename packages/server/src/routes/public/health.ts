import { ErrorCode } from '@dodo-portal/wire/schemas';
import { Hono } from 'hono';
import { errorJson } from '../../http/errors.ts';
import type { BaseEnv } from '../../http/env.ts';
import { StorageUnavailableError } from '../../store/index.ts';
import type { AppContext } from '../../runtime.ts';

/**
 * `/healthz`: 200 when the process is up and the store can take a write now (SQLite: the file is
 * the one opened and a write commits; PostgreSQL: a query round-trips); else 503
 * `storage_unavailable` saying why, so a load balancer or orchestrator stops sending traffic.
 * While the server shuts down (close() draining after SIGTERM/SIGINT) 503 `shutting_down`, the
 * store not asked: the other requests already accepted are still answered meanwhile.
 */
export const healthRoutes = (app: AppContext) =>
  new Hono<BaseEnv>().get('/', async (c) => {
    if (app.shuttingDown) {
      return errorJson(c, {
        code: ErrorCode.shuttingDown,
        message: 'The server is shutting down: it answers the requests it has accepted, and takes no new ones. Send traffic to another instance.',
      });
    }
    try {
      await app.store.check();
    } catch (error) {
      if (!(error instanceof StorageUnavailableError)) throw error;
      const cause = error.cause instanceof Error ? error.cause.message : undefined;
      app.logger.error('health check failed', { store: app.store.location, error: error.message, ...(cause ? { cause } : {}) });
      return errorJson(c, { code: ErrorCode.storageUnavailable, message: error.message });
    }
    return c.json({ ok: true }, 200, { 'cache-control': 'no-store' });
  });
