/**
 * The baseline of bench/load.ts: a bare Hono hello on @hono/node-server, the same stack the portal
 * runs on, so the ratio of the two says what the portal's own work costs. Prints its URL.
 */
import { serve } from '@hono/node-server';
import { Hono } from 'hono';

const app = new Hono().get('/', (c) => c.text('Hello Hono!'));
serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, (info) => console.log(`listening on http://127.0.0.1:${info.port}`));
