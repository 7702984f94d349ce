import { Hono } from 'hono';
import type { AppContext, BaseEnv } from '../http/env.ts';
import { pingDatabase } from '../store/health.ts';

/** `/healthz`: the process is up and the database answers. */
export const healthRoutes = (app: AppContext) =>
  new Hono<BaseEnv>().get('/', async (c) => {
    await pingDatabase(app.store.db);
    return c.json({ ok: true }, 200, { 'cache-control': 'no-store' });
  });
