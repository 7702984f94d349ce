/**
 * What every end-to-end test needs: the real `dodo-portal` CLI on a temp database, a browser, and
 * small HTTP helpers for the merchant API. Nothing here fakes the server.
 */
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { extname, join, normalize } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { chromiumLaunchOptions } from '../scripts/lib/chromium.mjs';
import { capture, DEFAULT_PORTAL_ORIGIN, freePort, repoRoot, startService } from '../scripts/lib/run.ts';

export const cli = (args: string[], env: NodeJS.ProcessEnv = {}) =>
  capture(['node', join(repoRoot, 'packages/server/bin/dodo-portal.mjs'), ...args], {
    env: { ...process.env, ...env },
  });

export interface PortalServer {
  url: string;
  dbFile: string;
  stop(): Promise<void>;
}

/** A fresh database and a real `dodo-portal serve` process on a free loopback port. */
export async function startPortalServer(extraEnv: NodeJS.ProcessEnv = {}): Promise<PortalServer & { dir: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'dodo-e2e-'));
  const dbFile = join(dir, 'portal.db');
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  // DATABASE_URL would switch the store to PostgreSQL; end-to-end runs on the default SQLite.
  const { DATABASE_URL: _postgres, ...inherited } = process.env;
  const env = { ...inherited, PUBLIC_URL: url, ...extraEnv };
  const child = await startService(
    'portal',
    ['node', join(repoRoot, 'packages/server/bin/dodo-portal.mjs'), 'serve', '--port', String(port), '--host', '127.0.0.1', '--db', dbFile],
    new RegExp(`127\\.0\\.0\\.1:${port}`),
    { env, quiet: !process.env.E2E_VERBOSE },
  );
  return {
    url,
    dbFile,
    dir,
    stop: async () => {
      await stop(child);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
    setTimeout(() => child.kill('SIGKILL'), 5_000).unref();
  });
}

export async function api<T>(base: string, key: string, method: string, path: string, body?: unknown): Promise<T> {
  const response = await fetch(`${base}${path}`, {
    method,
    headers: { authorization: `Bearer ${key}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${path} → ${response.status} ${text}`);
  return (text ? JSON.parse(text) : undefined) as T;
}

export function launchBrowser(): Promise<Browser> {
  return chromium.launch(chromiumLaunchOptions());
}

const types: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
};

/**
 * Serves a static example folder the way a merchant would deploy it: with the portal server's
 * origin written into the files in place of the demo's default `http://127.0.0.1:8787`.
 */
export async function serveStatic(folder: string, portalUrl: string, port: number): Promise<Server> {
  const server = createServer((request, response) => {
    const path = new URL(request.url ?? '/', 'http://x').pathname;
    const file = normalize(join(folder, path.endsWith('/') ? `${path}index.html` : path));
    if (!file.startsWith(folder)) {
      response.writeHead(403).end();
      return;
    }
    try {
      const body = readFileSync(file, 'utf8').replaceAll(DEFAULT_PORTAL_ORIGIN, portalUrl);
      response.writeHead(200, { 'content-type': types[extname(file)] ?? 'application/octet-stream' }).end(body);
    } catch {
      response.writeHead(404).end('not found');
    }
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return server;
}
