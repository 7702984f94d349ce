/**
 * The baseline of `pnpm bench` (bench/bench.ts) and bench/load.ts: a bare Hono app on
 * @hono/node-server, the stack the portal runs on, answering a constant JSON body, so the ratio of
 * the two says what the portal's own work costs. Prints its URL.
 */
import { serve } from '@hono/node-server';
import { Hono } from 'hono';

const app = new Hono().get('/', (c) => c.json({ hello: 'world' }));
serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, (info) => console.log(`listening on http://127.0.0.1:${info.port}`));
