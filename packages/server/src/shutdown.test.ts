/**
 * Graceful shutdown of a real `dodo-portal serve` process: SIGTERM while requests are in flight,
 * on kept-alive connections and on new ones, with the scheduler ticking. The drill
 * (drills/shutdown.ts) does the same at 50 requests on both stores, with figures. And a client
 * slow to write its request on a connection accepted before the signal (what a starved client
 * on a loaded machine does): answered, not cut as idle. And `/healthz` during the drain: 503
 * `shutting_down`, so a load balancer takes the process out of rotation, while API requests on
 * connections already accepted are still answered.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { Agent, request as httpRequest } from 'node:http';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DemoSeeded } from '@dodo-portal/wire/schemas';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bin, exited, serve } from './testing/processes.ts';

const env = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? tmpdir(), SCHEDULER_INTERVAL_MS: '10' };
let dir: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'dodo-portal-shutdown-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function get(url: string, token: string, agent: Agent | false) {
  return new Promise<{ status: number; body: string; error?: string }>((resolve) => {
    const request = httpRequest(url, { agent, headers: { authorization: `Bearer ${token}` } }, (response) => {
      let body = '';
      response.setEncoding('latin1');
      response.on('data', (chunk: string) => (body += chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
      response.on('error', (error: NodeJS.ErrnoException) => resolve({ status: response.statusCode ?? 0, body, error: error.code }));
    });
    request.on('error', (error: NodeJS.ErrnoException) => resolve({ status: 0, body: '', error: error.code }));
    request.end();
  });
}

describe('dodo-portal serve on SIGTERM', { timeout: 90_000 }, () => {
  it('answers every request in flight, refuses new connections, and exits 0', async () => {
    const db = join(dir, 'shutdown.db');
    const seeded = DemoSeeded.parse(JSON.parse(spawnSync(process.execPath, [bin, 'seed', '--demo', '--json', '--db', db], { encoding: 'utf8', env }).stdout));
    const server = await serve({ SCHEDULER_INTERVAL_MS: '10' }, ['--db', db]);
    const { child, url } = server;
    const done = exited(server);
    const agent = new Agent({ keepAlive: true, maxSockets: 10 });
    try {
      const session = (await (
        await fetch(`${url}/v1/customers/${seeded.demo_customer_id}/customer-portal/session`, {
          method: 'POST',
          headers: { authorization: `Bearer ${seeded.api_keys.test}`, 'content-type': 'application/json' },
          body: '{}',
        })
      ).json()) as { session_token: string };
      const token = session.session_token;
      const invoices = JSON.parse((await get(`${url}/portal/v1/invoices`, token, false)).body) as { items: { invoice_id: string }[] };
      const pdf = `${url}/portal/v1/invoices/${invoices.items[0]!.invoice_id}/pdf`;
      await Promise.all(Array.from({ length: 10 }, () => get(`${url}/healthz`, token, agent)));

      const inFlight = Array.from({ length: 20 }, (_, i) => get(i % 4 < 2 ? pdf : `${url}/portal/v1/invoices`, token, i % 2 === 0 ? agent : false));
      child.kill('SIGTERM');
      while (!server.output().includes('Stopped accepting connections.')) await new Promise((resolve) => setTimeout(resolve, 5));
      const late = await get(`${url}/healthz`, token, false);

      const answers = await Promise.all(inFlight);
      expect(answers.map((answer) => [answer.status, answer.error])).toEqual(answers.map(() => [200, undefined]));
      for (const [i, answer] of answers.entries()) expect(i % 4 < 2 ? answer.body.trimEnd().endsWith('%%EOF') : JSON.parse(answer.body).items.length > 0).toBe(true);
      expect(late.error).toBe('ECONNREFUSED');
      expect(await done).toBe(0);
      expect(server.output()).not.toMatch(/scheduler pass failed|unhandled error/);
    } finally {
      agent.destroy();
      child.kill('SIGKILL');
    }
  });
});

/** A raw TCP connection to `url`: what it received, and when the server ended it. */
function rawConnection(url: string) {
  const { hostname, port } = new URL(url);
  const socket: Socket = connect(Number(port), hostname);
  const state = { received: '', error: undefined as string | undefined, closedAt: undefined as number | undefined };
  socket.setEncoding('latin1');
  socket.on('data', (chunk: string) => (state.received += chunk));
  socket.on('error', (error: NodeJS.ErrnoException) => (state.error = error.code ?? error.message));
  socket.on('close', () => (state.closedAt = performance.now()));
  const connected = new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  connected.catch(() => undefined);
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  return { socket, state, connected, closed };
}

describe('dodo-portal serve on SIGTERM, a client slow to send', { timeout: 90_000 }, () => {
  it('answers a request sent late on a connection accepted before the signal, and ends idle keep-alive ones at once', async () => {
    const db = join(dir, 'slow-client.db');
    const seeded = DemoSeeded.parse(JSON.parse(spawnSync(process.execPath, [bin, 'seed', '--demo', '--json', '--db', db], { encoding: 'utf8', env }).stdout));
    const server = await serve({ SCHEDULER_INTERVAL_MS: '10' }, ['--db', db]);
    const { child, url } = server;
    let stoppedAt = 0;
    child.stderr!.on('data', () => {
      if (!stoppedAt && server.output().includes('Stopped accepting connections.')) stoppedAt = performance.now();
    });
    const done = exited(server);
    const { host } = new URL(url);
    const request = `GET /v1/customers?limit=1 HTTP/1.1\r\nHost: ${host}\r\nAuthorization: Bearer ${seeded.api_keys.test}\r\n\r\n`;
    try {
      // A keep-alive connection that was answered once and is idle at the signal.
      const idle = rawConnection(url);
      await idle.connected;
      idle.socket.write(request);
      while (!/\r\n\r\n[\s\S]*\}$/.test(idle.state.received)) await new Promise((resolve) => setTimeout(resolve, 5));
      // A connection the server accepted before the signal whose client sends its request late
      // (a client starved of CPU, as under a heavily loaded machine).
      const slow = rawConnection(url);
      await slow.connected;
      await new Promise((resolve) => setTimeout(resolve, 50));

      const signalled = performance.now();
      child.kill('SIGTERM');
      while (!stoppedAt) await new Promise((resolve) => setTimeout(resolve, 5));
      // The idle keep-alive connection ends once the listener has closed, without waiting.
      await idle.closed;
      expect(idle.state.error).toBeUndefined();
      // A new connection now is refused, never reset.
      const late = rawConnection(url);
      await late.closed;
      expect(late.state.error).toBe('ECONNREFUSED');

      // Well past any grace for silent connections: the slow client's request still gets its answer.
      await new Promise((resolve) => setTimeout(resolve, 1_500));
      expect(slow.state.closedAt, `the server cut the connection ${Math.round((slow.state.closedAt ?? 0) - stoppedAt)} ms after it stopped listening`).toBeUndefined();
      slow.socket.write(request);
      await slow.closed;
      expect(slow.state.error).toBeUndefined();
      expect(slow.state.received).toMatch(/^HTTP\/1\.1 200 /);
      expect(slow.state.received.toLowerCase()).toContain('connection: close');
      expect(slow.state.received).toMatch(/\}$/);
      expect(await done).toBe(0);
      console.info(
        `shutdown: stopped listening ${Math.round(stoppedAt - signalled)} ms after SIGTERM; idle keep-alive connection ended ${Math.round(idle.state.closedAt! - stoppedAt)} ms after that`,
      );
      expect(server.output()).not.toMatch(/scheduler pass failed|unhandled error/);
    } finally {
      child.kill('SIGKILL');
    }
  });
});

describe('dodo-portal serve on SIGTERM, /healthz while draining', { timeout: 90_000 }, () => {
  it('answers 503 shutting_down to a health check on an accepted connection, 200 to an API request on another, and exits 0', async () => {
    const db = join(dir, 'draining-health.db');
    const seeded = DemoSeeded.parse(JSON.parse(spawnSync(process.execPath, [bin, 'seed', '--demo', '--json', '--db', db], { encoding: 'utf8', env }).stdout));
    const server = await serve({ SCHEDULER_INTERVAL_MS: '10' }, ['--db', db]);
    const done = exited(server);
    const { host } = new URL(server.url);
    try {
      // Before the signal the health check is green (storage semantics unchanged).
      const before = await fetch(`${server.url}/healthz`);
      expect([before.status, await before.json()]).toEqual([200, { ok: true }]);

      // Two connections the server accepted before the signal, whose requests come during the drain.
      const health = rawConnection(server.url);
      const api = rawConnection(server.url);
      await Promise.all([health.connected, api.connected]);
      await new Promise((resolve) => setTimeout(resolve, 50));

      const signalled = performance.now();
      server.child.kill('SIGTERM');
      while (!server.output().includes('Received SIGTERM')) await new Promise((resolve) => setTimeout(resolve, 5));
      health.socket.write(`GET /healthz HTTP/1.1\r\nHost: ${host}\r\n\r\n`);
      api.socket.write(`GET /v1/customers?limit=1 HTTP/1.1\r\nHost: ${host}\r\nAuthorization: Bearer ${seeded.api_keys.test}\r\n\r\n`);
      await Promise.all([health.closed, api.closed]);

      const answer = (received: string) => {
        const [head = '', body = ''] = received.split('\r\n\r\n');
        return { status: Number(/^HTTP\/1\.1 (\d{3}) /.exec(head)?.[1]), head: head.toLowerCase(), body };
      };
      const healthAnswer = answer(health.state.received);
      expect(health.state.error).toBeUndefined();
      expect(healthAnswer.status).toBe(503);
      expect(healthAnswer.head).toContain('connection: close');
      expect(healthAnswer.head).toContain('cache-control: no-store');
      const body = JSON.parse(healthAnswer.body) as { error: { code: string; message: string } };
      expect(body.error.code).toBe('shutting_down');
      expect(body.error.message).toMatch(/shutting down/);

      const apiAnswer = answer(api.state.received);
      expect(api.state.error).toBeUndefined();
      expect(apiAnswer.status).toBe(200);
      expect(apiAnswer.head).toContain('connection: close');
      expect((JSON.parse(apiAnswer.body) as { items: unknown[] }).items).toHaveLength(1);

      expect(await done).toBe(0);
      console.info(`shutdown: /healthz 503 shutting_down during the drain; exited ${Math.round(performance.now() - signalled)} ms after SIGTERM`);
      expect(server.output()).not.toMatch(/scheduler pass failed|unhandled error|health check failed/);
    } finally {
      server.child.kill('SIGKILL');
    }
  });
});
