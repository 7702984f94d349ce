import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BusinessCreated, DemoSeeded, type InvoicePage } from '@dodo-portal/wire/schemas';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from './app.ts';
import { runCli } from './cli.ts';
import { openStore } from './store/index.ts';

const bin = join(dirname(fileURLToPath(import.meta.url)), '..', 'bin', 'dodo-portal.mjs');
let dir: string;

// A clean environment: no DATABASE_URL from the developer's shell leaks into --db runs.
const env = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? tmpdir() };
const run = (args: string[]) => spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', env, timeout: 30_000 });

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'dodo-portal-cli-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('dodo-portal CLI', () => {
  it('business create --json prints exactly the business id and both keys', async () => {
    const db = join(dir, 'business.db');
    const result = run(['business', 'create', '--name', 'Scripted Co', '--allowed-origin', 'https://app.example.com', '--json', '--db', db]);
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    const output = JSON.parse(result.stdout) as unknown;
    expect(Object.keys(output as object)).toEqual(['business_id', 'api_keys']);
    const created = BusinessCreated.parse(output);
    expect(created.api_keys.test).toMatch(/^sk_test_[A-Za-z0-9_-]{43}$/);
    expect(created.api_keys.live).toMatch(/^sk_live_[A-Za-z0-9_-]{43}$/);

    // The printed key works against the same database.
    const store = await openStore({ file: db });
    try {
      const app = createApp({ store, publicUrl: 'http://127.0.0.1:8787' });
      const response = await app.request('/v1/customers', { headers: { authorization: `Bearer ${created.api_keys.live}` } });
      expect(response.status).toBe(200);
    } finally {
      await store.close();
    }
  });

  it('seed --demo --json creates a paginated demo', async () => {
    const db = join(dir, 'seed.db');
    const result = run(['seed', '--demo', '--json', '--allowed-origin', 'http://localhost:5173', '--db', db]);
    expect(result.status, result.stderr).toBe(0);
    const seeded = DemoSeeded.parse(JSON.parse(result.stdout));
    expect(seeded.customers.length).toBeGreaterThanOrEqual(2);
    expect(seeded.customers[0]!.customer_id).toBe(seeded.demo_customer_id);
    expect(seeded.invoice_count).toBeGreaterThan(25);

    const store = await openStore({ file: db });
    try {
      const app = createApp({ store, publicUrl: 'http://127.0.0.1:8787' });
      const session = (await (
        await app.request(`/v1/customers/${seeded.demo_customer_id}/customer-portal/session`, {
          method: 'POST',
          headers: { authorization: `Bearer ${seeded.api_keys.test}` },
        })
      ).json()) as { session_token: string };
      const first = (await (await app.request('/portal/v1/invoices', { headers: { authorization: `Bearer ${session.session_token}` } })).json()) as InvoicePage;
      expect(first.items).toHaveLength(20);
      expect(first.next_cursor).not.toBeNull();
      expect(new Set(first.items.map((invoice) => invoice.issued_at.slice(0, 7))).size).toBeGreaterThan(3);
      expect(first.items.some((invoice) => invoice.status === 'open')).toBe(true);
      // Demo origins plus the extra one are allowed.
      for (const origin of ['http://localhost:3000', 'http://127.0.0.1:3000', 'http://localhost:5173']) {
        const preflight = await app.request('/portal/v1/invoices', { method: 'OPTIONS', headers: { origin, 'access-control-request-method': 'GET' } });
        expect(preflight.headers.get('access-control-allow-origin')).toBe(origin);
      }
    } finally {
      await store.close();
    }
  });

  it('prints help with exit 0, and refuses bad flags with exit 2 and a clear message', async () => {
    // The argument handling runs in-process (the same runCli the binary calls); one spawn below
    // checks that the exit code reaches the shell.
    const call = async (args: string[]) => {
      let stdout = '';
      let stderr = '';
      const status = await runCli(args, { stdout: (text) => (stdout += text), stderr: (text) => (stderr += text), env: {} });
      return { status, stdout, stderr };
    };
    for (const args of [['--help'], ['serve', '--help'], ['business', 'create', '--help'], ['seed', '--help'], ['migrate', '--help']]) {
      const result = await call(args);
      expect(result.status, args.join(' ')).toBe(0);
      expect(result.stdout).toContain('Usage: dodo-portal');
    }
    const cases: [string[], string][] = [
      [['business', 'create', '--nme', 'X'], "Unknown option '--nme'"],
      [['business', 'create'], '--name is required'],
      [['business', 'delete'], 'unknown subcommand'],
      [['seed'], '--demo'],
      [['serve', '--port', 'eighty'], '--port must be'],
      [['serve', '--port', '70000'], '--port must be'],
      [['frobnicate'], 'unknown command "frobnicate"'],
    ];
    for (const [args, message] of cases) {
      const result = await call(args);
      expect(result.status, args.join(' ')).toBe(2);
      expect(result.stderr).toContain(message);
      expect(result.stdout).toBe('');
    }
    const badOrigin = await call(['business', 'create', '--name', 'X', '--allowed-origin', 'ftp://x', '--db', join(dir, 'bad.db')]);
    expect(badOrigin.status).toBe(1);
    expect(badOrigin.stderr).toContain('must be http or https');

    const spawned = run(['business', 'create', '--nme', 'X']);
    expect(spawned.status).toBe(2);
    expect(spawned.stderr).toContain("Unknown option '--nme'");
  });

  it('migrate reports applied migrations, then that the database is up to date', async () => {
    const db = join(dir, 'migrate.db');
    const first = run(['migrate', '--db', db]);
    expect(first.status, first.stderr).toBe(0);
    expect(first.stdout).toContain('0001_initial');
    let stdout = '';
    expect(await runCli(['migrate', '--db', db], { stdout: (text) => (stdout += text), stderr: () => undefined, env: {} })).toBe(0);
    expect(stdout).toContain('up to date');
  });

  it('serve prints its URL, answers, and stops cleanly on SIGTERM', async () => {
    const child = spawn(process.execPath, [bin, 'serve', '--port', '0', '--db', join(dir, 'serve.db')], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no URL printed: ${stdout}`)), 20_000);
      child.stdout.on('data', (chunk: Buffer) => {
        stdout += chunk.toString();
        const match = /listening on (http:\/\/\S+)/.exec(stdout);
        if (match) {
          clearTimeout(timer);
          resolve(match[1]!);
        }
      });
      child.once('exit', (code) => reject(new Error(`exited early with ${code}: ${stdout}`)));
    });
    expect(stdout).toContain(`${url}/portal#token=<session_token>`);
    const health = await fetch(`${url}/healthz`);
    expect(await health.json()).toEqual({ ok: true });
    const exit = new Promise<number | null>((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    expect(await exit).toBe(0);
  });
});
