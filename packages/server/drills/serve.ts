/**
 * Real servers for the drills: `dodo-portal serve` as a child process on a loopback port, over a
 * fresh SQLite file in a temp folder or a fresh PostgreSQL database (created here, dropped on
 * stop), with one business made by `dodo-portal business create` — the commands an operator runs.
 */
import { execFile, spawn } from 'node:child_process';
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
  /** The server's database: the SQLite file, or the PostgreSQL URL and database name. */
  database: { sqliteFile?: string; pgUrl?: string; pgName?: string };
  /** What the server wrote to stderr (its error log): shown with a failure. */
  stderr(): string;
  /** SIGTERM, wait for the exit, then remove the database. */
  stop(): Promise<void>;
}

async function adminQuery(databaseUrl: string, sql: string): Promise<void> {
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
  let serverEnv: NodeJS.ProcessEnv;
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
    const child = spawn(process.execPath, [cli, 'serve', '--port', '0', '--host', '127.0.0.1'], { env: childEnv, stdio: ['ignore', 'pipe', 'pipe'] });
    let errors = '';
    child.stderr.on('data', (chunk: Buffer) => {
      // Keep the tail: a fuzz run logs every 5xx, and a failure shows the last ones.
      errors = (errors + chunk.toString()).slice(-20_000);
    });
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    const url = await new Promise<string>((resolve, reject) => {
      let out = '';
      child.stdout.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        const match = /listening on (http:\/\/\S+)/.exec(out);
        if (match) resolve(match[1]!);
      });
      child.once('exit', (code) => reject(new Error(`dodo-portal serve exited ${code} before listening: ${errors}`)));
    });
    return {
      url,
      business: { id: created.business_id, keys: created.api_keys },
      database: store === 'postgres' ? { pgUrl: serverEnv.DATABASE_URL!, pgName: database } : { sqliteFile: serverEnv.DODO_PORTAL_DB! },
      stderr: () => errors,
      stop: async () => {
        child.kill('SIGTERM');
        await exited;
        await dropDatabase();
      },
    };
  } catch (error) {
    await dropDatabase();
    throw error;
  }
}
