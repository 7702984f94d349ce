/**
 * Test support for real `dodo-portal` processes on PostgreSQL (issue 16): the CLI spawned as a
 * merchant runs it (env only: DATABASE_URL, PORT, DODO_PORTAL_SECRET …), on a database of the
 * test's own that it creates and drops beside the one `DATABASE_URL` names. `served.ts` is the
 * in-process counterpart (`startServer` inside the test's own process).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';

export const bin = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'bin', 'dodo-portal.mjs');

/** The PostgreSQL server this run may use (`DATABASE_URL=postgres://…`), or undefined: skip. */
export const pgDatabaseUrl: string | undefined = /^postgres(ql)?:\/\//.test(process.env.DATABASE_URL ?? '') ? process.env.DATABASE_URL : undefined;

/** `DATABASE_URL` with another database name (`postgres`: the maintenance database). */
export function withDatabase(name: string): string {
  const url = new URL(pgDatabaseUrl!);
  url.pathname = `/${name}`;
  return url.toString();
}

/** Runs `query` on the maintenance database (create/drop database, pg_terminate_backend …); its rows. */
export async function admin<T extends object = Record<string, unknown>>(query: string, values: unknown[] = []): Promise<T[]> {
  const client = new pg.Client({ connectionString: withDatabase('postgres') });
  await client.connect();
  try {
    return (await client.query<T>(query, values)).rows;
  } finally {
    await client.end();
  }
}

export interface TestDatabase {
  name: string;
  /** DATABASE_URL of the new database. */
  url: string;
  drop(): Promise<void>;
}

/** A fresh database named `{prefix}_{random}` (prefix: lowercase, the test's own). */
export async function createTestDatabase(prefix: string): Promise<TestDatabase> {
  const name = `${prefix}_${process.pid}_${randomBytes(3).toString('hex')}`;
  await admin(`create database ${name}`);
  return { name, url: withDatabase(name), drop: async () => void (await admin(`drop database if exists ${name} with (force)`)) };
}

/** A random server secret for one test's processes. */
export const newServerSecret = () => randomBytes(32).toString('base64url');

/** The CLI in a child process, with only `env` (plus PATH and HOME) in its environment. */
export function cli(args: string[], env: Record<string, string>): ChildProcess {
  return spawn(process.execPath, [bin, ...args], { env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
}

/** Runs the CLI to its end: exit code, stdout, stderr. */
export function runCliProcess(args: string[], env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = cli(args, env);
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve) => child.once('close', (code) => resolve({ code, stdout, stderr })));
}

/** `dodo-portal business create --json` on `env`'s database: its test secret key. */
export async function createBusinessKey(env: Record<string, string>, name = 'Multi Co'): Promise<string> {
  const done = await runCliProcess(['business', 'create', '--name', name, '--json'], env);
  if (done.code !== 0) throw new Error(`business create exited ${done.code}: ${done.stderr}`);
  return (JSON.parse(done.stdout) as { api_keys: { test: string } }).api_keys.test;
}

export interface ServeProcess {
  child: ChildProcess;
  url: string;
  /** Everything it printed so far, stdout and stderr. */
  output: () => string;
}

/**
 * `dodo-portal serve [args]` on a free port; resolves with the URL it prints once listening.
 * Defaults for tests: the scheduler ticks once a minute (a delivery within seconds is a NOTIFY's).
 */
export function serve(env: Record<string, string>, args: string[] = []): Promise<ServeProcess> {
  const child = cli(['serve', ...args], { PORT: '0', SCHEDULER_INTERVAL_MS: '60000', ...env });
  let output = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no URL printed: ${output}`)), 60_000);
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const match = /listening on (http:\/\/\S+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve({ child, url: match[1]!, output: () => output });
      }
    });
    child.once('exit', (code) => reject(new Error(`exited early with ${code}: ${output}`)));
  });
}

const running = (child: ChildProcess) => child.exitCode === null && child.signalCode === null;

/** Resolves with the exit code (null when a signal ended it) once the process has exited. */
export const exited = (p: { child: ChildProcess }) => new Promise<number | null>((resolve) => (running(p.child) ? p.child.once('exit', (code) => resolve(code)) : resolve(p.child.exitCode)));

/** SIGTERM (a graceful stop) and its exit. */
export const stop = (p: { child: ChildProcess }) => {
  const done = exited(p);
  if (running(p.child)) p.child.kill('SIGTERM');
  return done;
};

/** SIGKILL and its exit. */
export const kill9 = (p: { child: ChildProcess }) => {
  const done = exited(p);
  if (running(p.child)) p.child.kill('SIGKILL');
  return done;
};
