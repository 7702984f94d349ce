/**
 * Real servers for the drills: `dodo-portal serve` as a child process on a loopback port, over a
 * fresh SQLite file in a temp folder or a fresh PostgreSQL database (created here, dropped on
 * stop), with one business made by `dodo-portal business create` — the commands an operator runs.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import type { DrillOptions } from './drill.ts';

const cli = join(import.meta.dirname, '../bin/dodo-portal.mjs');

export interface DrillServer {
  url: string;
  business: { id: string; keys: { test: string; live: string } };
  /** The server's database, as the environment names it (`DODO_PORTAL_DB` or `DATABASE_URL`), for a drill's direct reads. */
  databaseEnv: Record<string, string>;
  /** The environment the server runs with: its database and secret, for other CLI commands on it. */
  env: NodeJS.ProcessEnv;
  /** The server's database: the SQLite file, or the PostgreSQL URL and database name. */
  database: { sqliteFile?: string; pgUrl?: string; pgName?: string };
  /** The running server process, for /proc/<pid>/status and signals (a new one after `restart()`). */
  readonly pid: number;
  /** Resolves with the running process's exit code once it has ended (after `stop()` or a signal sent to `pid`). */
  readonly exited: Promise<number | null>;
  /** What the server wrote to stderr (its error log): shown with a failure. */
  stderr(): string;
  /** SIGTERM, wait for the exit, then remove the database. */
  stop(): Promise<void>;
  /** SIGKILL (no shutdown of any kind), and wait for the exit; the database stays. */
  kill(): Promise<void>;
  /** A new `dodo-portal serve` on the same database (after `kill`); `url` then names it. */
  restart(): Promise<void>;
}

export interface Served {
  url: string;
  child: ChildProcess;
  exited: Promise<number | null>;
}

/** `dodo-portal serve` on a free loopback port; resolves once it listens. */
export async function spawnServe(env: NodeJS.ProcessEnv, onStderr: (chunk: string) => void): Promise<Served> {
  const child = spawn(process.execPath, [cli, 'serve', '--port', '0', '--host', '127.0.0.1'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let errors = '';
  child.stderr!.on('data', (chunk: Buffer) => {
    errors = (errors + chunk.toString()).slice(-2_000);
    onStderr(chunk.toString());
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const match = /listening on (http:\/\/\S+)/.exec(out);
      if (match) resolve(match[1]!);
    });
    child.once('exit', (code) => reject(new Error(`dodo-portal serve exited ${code} before listening: ${errors}`)));
  });
  return { url, child, exited };
}

/** Runs one `dodo-portal` command with `env`; answers its stdout (a non-zero exit throws, with its stderr). */
export async function runCli(args: string[], env: NodeJS.ProcessEnv): Promise<string> {
  const { stdout } = await promisify(execFile)(process.execPath, [cli, ...args], { env });
  return stdout;
}

export async function adminQuery(databaseUrl: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/** Where the database lives, when a drill puts it on a filesystem of its own (the storage drill). */
export interface DrillPlacement {
  /** SQLite: the database file (its folder is the drill's to remove). */
  sqliteFile?: string;
  /** PostgreSQL: the tablespace the database is created in. */
  pgTablespace?: string;
}

export async function startDrillServer(
  { store, databaseUrl }: Pick<DrillOptions, 'store' | 'databaseUrl'>,
  env: Record<string, string> = {},
  placement: DrillPlacement = {},
): Promise<DrillServer> {
  const dir = mkdtempSync(join(tmpdir(), 'dodo-portal-drill-'));
  const database = `dodo_drill_${process.pid}_${randomBytes(4).toString('hex')}`;
  let serverEnv: Record<string, string>;
  if (store === 'postgres') {
    if (!databaseUrl) throw new Error('the postgres store needs a databaseUrl');
    await adminQuery(databaseUrl, `create database "${database}"${placement.pgTablespace ? ` tablespace "${placement.pgTablespace}"` : ''}`);
    const url = new URL(databaseUrl);
    url.pathname = `/${database}`;
    serverEnv = { DATABASE_URL: url.toString() };
  } else {
    serverEnv = { DODO_PORTAL_DB: placement.sqliteFile ?? join(dir, 'drill.db') };
  }
  const childEnv: NodeJS.ProcessEnv = {
    ...Object.fromEntries(Object.entries(process.env).filter(([name]) => name !== 'DATABASE_URL')),
    ...serverEnv,
    DODO_PORTAL_SECRET: randomBytes(24).toString('hex'),
    SCHEDULER_INTERVAL_MS: '0',
    ...env,
  };
  const dropDatabase = async () => {
    rmSync(dir, { recursive: true, force: true });
    if (store === 'postgres') await adminQuery(databaseUrl!, `drop database if exists "${database}" with (force)`);
  };
  try {
    const { stdout } = await promisify(execFile)(process.execPath, [cli, 'business', 'create', '--name', 'Drill Co', '--allowed-origin', 'https://shop.example', '--json'], {
      env: childEnv,
    });
    const created = JSON.parse(stdout) as { business_id: string; api_keys: { test: string; live: string } };
    let errors = '';
    // Keep the tail: a fuzz run logs every 5xx, and a failure shows the last ones.
    const keep = (chunk: string) => (errors = (errors + chunk).slice(-20_000));
    let served = await spawnServe(childEnv, keep);
    return {
      get url() {
        return served.url;
      },
      business: { id: created.business_id, keys: created.api_keys },
      databaseEnv: serverEnv,
      env: childEnv,
      database: store === 'postgres' ? { pgUrl: serverEnv.DATABASE_URL!, pgName: database } : { sqliteFile: serverEnv.DODO_PORTAL_DB! },
      get pid() {
        return served.child.pid!;
      },
      get exited() {
        return served.exited;
      },
      stderr: () => errors,
      stop: async () => {
        if (served.child.exitCode === null && served.child.signalCode === null) served.child.kill('SIGTERM');
        await served.exited;
        await dropDatabase();
      },
      kill: async () => {
        served.child.kill('SIGKILL');
        await served.exited;
      },
      restart: async () => {
        served = await spawnServe(childEnv, keep);
      },
    };
  } catch (error) {
    await dropDatabase();
    throw error;
  }
}
