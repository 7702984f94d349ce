/**
 * The storage drill: a real server whose database becomes read-only, then full, and each time
 * comes back. While it is down every write must answer 503 `storage_unavailable` (the one error
 * shape), reads keep answering 200 while it is read-only, and `/healthz` says so; once it is back,
 * `/healthz` is 200 and writes work again without restarting the server; and nothing is
 * half-written: no customer the server refused exists, every one it accepted does, and every
 * sandbox charge has its succeeded payment and back.
 *
 * Mechanisms (real kernel refusals, not simulated errors; the one used is the `mechanism` figure):
 * - SQLite: the database lives on a 16 MiB ext4 image, loop-mounted. Read-only: `mount -o
 *   remount,ro` is tried first; Linux refuses it while a file is open for writing (the server's
 *   is), so the database files and their folder are made immutable (`chattr +i`), which the
 *   kernel enforces on open descriptors too (EPERM), root or not. Full: a filler file takes every
 *   free block (ENOSPC). Without mounting (not root), a folder of the temp disk with `chattr +i`
 *   when that filesystem supports it; a phase no mechanism can make is reported `unavailable`.
 * - PostgreSQL: read-only is `ALTER DATABASE … SET default_transaction_read_only = on` with the
 *   database's sessions terminated (what a failover to a standby looks like to the server: new
 *   sessions that refuse writes); full is the database created in a tablespace on a 48 MiB tmpfs,
 *   filled by a filler file (PostgreSQL's own "could not extend file": SQLSTATE 53100). The
 *   tablespace needs the server on this machine and root to mount; otherwise `unavailable`.
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readdirSync, rmSync, statfsSync, writeSync, openSync, closeSync, unlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { openStore } from '../src/store/index.ts';
import type { Drill } from './drill.ts';
import { startDrillServer, type DrillServer } from './serve.ts';

type Log = (figure: string, value: number | string) => void;
const run = (command: string, args: string[]) => execFileSync(command, args, { stdio: 'pipe' }).toString();
const tries = (command: string, args: string[]) => {
  try {
    run(command, args);
    return true;
  } catch {
    return false;
  }
};

/** Fills the filesystem at `dir` until the kernel answers ENOSPC; returns the filler's path. */
function fill(dir: string): string {
  const filler = join(dir, 'drill-filler');
  const { bavail, bsize } = statfsSync(dir);
  if (bavail > 1) tries('fallocate', ['-l', String((bavail - 1) * bsize), filler]);
  const fd = openSync(filler, 'a');
  const block = Buffer.alloc(4096, 1);
  try {
    for (;;) writeSync(fd, block);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOSPC') throw error;
  } finally {
    closeSync(fd);
  }
  return filler;
}

/** How one store is taken down and brought back, and what it could use for each. */
interface Faults {
  mechanism: { read_only: string; full: string };
  readOnly?: { apply(): Promise<void>; undo(): Promise<void> };
  full?: { apply(): Promise<void>; undo(): Promise<void> };
  teardown(): Promise<void>;
}

async function sqliteFaults(): Promise<{ faults: Faults; file: string }> {
  const root = mkdtempSync(join(tmpdir(), 'dodo-portal-storage-'));
  const mountPoint = join(root, 'fs');
  run('mkdir', ['-p', mountPoint]);
  const image = join(root, 'fs.img');
  run('truncate', ['-s', '16M', image]);
  const mounted = tries('mkfs.ext4', ['-q', '-F', '-m', '0', image]) && tries('mount', ['-o', 'loop', image, mountPoint]);
  const file = join(mountPoint, 'drill.db');
  const teardown = async () => {
    tries('chattr', ['-R', '-i', mountPoint]);
    if (mounted) tries('umount', [mountPoint]);
    rmSync(root, { recursive: true, force: true });
  };
  const probe = join(mountPoint, 'probe');
  const immutable = tries('touch', [probe]) && tries('chattr', ['+i', probe]);
  if (immutable) {
    tries('chattr', ['-i', probe]);
    unlinkSync(probe);
  }
  const where = mounted ? 'ext4_loop' : 'tmpdir';
  // The database, its WAL and their folder; not the `-shm` index, which SQLite maps into memory
  // and writes even to read: a write fault on that mapping is SIGBUS, which kills the process.
  const dbFiles = () => [
    ...readdirSync(mountPoint)
      .filter((name) => name.startsWith('drill.db') && !name.endsWith('-shm'))
      .map((name) => join(mountPoint, name)),
    mountPoint,
  ];
  const faults: Faults = {
    mechanism: { read_only: '', full: mounted ? 'ext4_loop_filler' : 'unavailable' },
    teardown,
  };
  if (mounted || immutable) {
    faults.readOnly = {
      async apply() {
        // A remount would be the real thing; Linux refuses it while a file is open for writing.
        if (mounted && tries('mount', ['-o', 'remount,ro', mountPoint])) faults.mechanism.read_only = `${where}_remount_ro`;
        else run('chattr', ['+i', ...dbFiles()]);
      },
      async undo() {
        if (faults.mechanism.read_only === `${where}_remount_ro`) run('mount', ['-o', 'remount,rw', mountPoint]);
        else run('chattr', ['-i', ...dbFiles()]);
      },
    };
  }
  faults.mechanism.read_only = faults.readOnly ? `${where}_chattr_immutable` : 'unavailable';
  if (mounted) {
    let filler = '';
    faults.full = {
      async apply() {
        filler = fill(mountPoint);
      },
      async undo() {
        rmSync(filler, { force: true });
      },
    };
  }
  return { faults, file };
}

async function adminQuery(databaseUrl: string, text: string): Promise<void> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await client.query(text);
  } finally {
    await client.end();
  }
}

/** The tablespace on a small tmpfs, when PostgreSQL runs here and this process may mount. */
async function pgTablespace(databaseUrl: string): Promise<{ name?: string; dir?: string; teardown(): Promise<void> }> {
  const root = mkdtempSync(join(tmpdir(), 'dodo-portal-storage-pg-'));
  const dir = join(root, 'ts');
  run('mkdir', ['-p', dir]);
  const name = `dodo_drill_storage_${process.pid}`;
  let mounted = false;
  let created = false;
  const teardown = async () => {
    if (created) await adminQuery(databaseUrl, `drop tablespace if exists "${name}"`).catch(() => {});
    if (mounted) tries('umount', [dir]);
    rmSync(root, { recursive: true, force: true });
  };
  const local = ['127.0.0.1', 'localhost', '[::1]'].includes(new URL(databaseUrl).hostname);
  mounted = local && tries('mount', ['-t', 'tmpfs', '-o', 'size=48m,mode=0700', 'tmpfs', dir]);
  if (mounted && tries('chown', ['postgres:postgres', dir])) {
    chmodSync(root, 0o755);
    try {
      await adminQuery(databaseUrl, `create tablespace "${name}" location '${dir}'`);
      created = true;
      return { name, dir, teardown };
    } catch {
      // not a superuser, or the server cannot see this folder: no tablespace
    }
  }
  return { teardown };
}

function pgFaults(server: DrillServer, adminUrl: string, tablespaceDir: string | undefined, teardown: () => Promise<void>): Faults {
  const database = server.database.pgName!;
  const terminate = () => adminQuery(adminUrl, `select pg_terminate_backend(pid) from pg_stat_activity where datname = '${database}' and pid <> pg_backend_pid()`);
  let filler = '';
  return {
    mechanism: { read_only: 'pg_default_transaction_read_only', full: tablespaceDir ? 'pg_tablespace_tmpfs_filler' : 'unavailable' },
    readOnly: {
      async apply() {
        await adminQuery(adminUrl, `alter database "${database}" set default_transaction_read_only = on`);
        await terminate();
      },
      async undo() {
        await adminQuery(adminUrl, `alter database "${database}" reset default_transaction_read_only`);
        await terminate();
      },
    },
    ...(tablespaceDir
      ? {
          full: {
            async apply() {
              filler = fill(tablespaceDir);
            },
            async undo() {
              rmSync(filler, { force: true });
            },
          },
        }
      : {}),
    teardown,
  };
}

interface Figures {
  writes_refused_503: number;
  writes_accepted: number;
  reads_ok: number;
  reads_refused_503: number;
  other_errors: number;
  healthz_degraded: number;
  half_written: number;
  recovered: number;
}

export const storage: Drill = {
  name: 'storage',
  async run({ full, store, databaseUrl, log }) {
    let faults: Faults;
    let server: DrillServer;
    if (store === 'sqlite') {
      const made = await sqliteFaults();
      try {
        server = await startDrillServer({ store }, {}, { sqliteFile: made.file });
      } catch (error) {
        await made.faults.teardown();
        throw error;
      }
      faults = made.faults;
    } else {
      const tablespace = await pgTablespace(databaseUrl!);
      try {
        server = await startDrillServer({ store, databaseUrl }, {}, tablespace.name ? { pgTablespace: tablespace.name } : {});
      } catch (error) {
        await tablespace.teardown();
        throw error;
      }
      faults = pgFaults(server, databaseUrl!, tablespace.dir, tablespace.teardown);
    }
    try {
      return await drive(server, faults, { full, log });
    } finally {
      // Whatever happened, give the disk back before stopping (a full disk would fail the drop).
      await faults.full?.undo().catch(() => {});
      await faults.readOnly?.undo().catch(() => {});
      await server.stop();
      await faults.teardown();
    }
  },
};

async function drive(server: DrillServer, faults: Faults, { full, log }: { full: boolean; log: Log }) {
  const failures: string[] = [];
  const figures: Figures = { writes_refused_503: 0, writes_accepted: 0, reads_ok: 0, reads_refused_503: 0, other_errors: 0, healthz_degraded: 0, half_written: 0, recovered: 0 };
  const key = server.business.keys.test;
  const call = async (method: string, path: string, body?: unknown, bearer: string | null = key) => {
    let response: Response;
    try {
      response = await fetch(`${server.url}${path}`, {
        method,
        headers: { ...(bearer ? { authorization: `Bearer ${bearer}` } : {}), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
    } catch (error) {
      // No answer at all (the server died or dropped the connection): status 0, never a pass.
      return { status: 0, json: { no_answer: String((error as Error).cause ?? error) } as Record<string, unknown> };
    }
    const text = await response.text();
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      json = text;
    }
    return { status: response.status, json: json as Record<string, unknown> };
  };
  const isStorage503 = (answer: { status: number; json: Record<string, unknown> }) =>
    answer.status === 503 &&
    (answer.json.error as { code?: unknown; message?: unknown } | undefined)?.code === 'storage_unavailable' &&
    typeof (answer.json.error as { message?: unknown }).message === 'string';
  const must = async (method: string, path: string, body?: unknown, bearer: string | null = key) => {
    const answer = await call(method, path, body, bearer);
    if (answer.status >= 300) throw new Error(`setup ${method} ${path}: ${answer.status} ${JSON.stringify(answer.json)}`);
    return answer.json;
  };
  const token = async () => (await must('POST', '/sandbox/v1/tokens', { number: '4242424242424242', exp_month: 12, exp_year: 2040, cvc: '123' }, null)).card_token as string;

  const customer = (await must('POST', '/v1/customers', { email: 'storage@example.com', name: 'Storage' })).customer_id as string;
  const product = (await must('POST', '/v1/products', { name: 'Storage Once', billing_type: 'one_time', price: 700, currency: 'USD' })).product_id as string;
  const accepted = new Set<string>(['storage@example.com']);
  const refused = new Set<string>();
  const paid = new Set<string>();
  await must('POST', '/v1/payments', { customer_id: customer, items: [{ product_id: product, quantity: 1 }], card_token: await token() });
  const phaseMs = full ? 8_000 : 2_000;

  let n = 0;
  const phase = async (name: 'read_only' | 'full', fault: { apply(): Promise<void>; undo(): Promise<void> }) => {
    const tokens = await Promise.all(Array.from({ length: full ? 30 : 6 }, () => token()));
    await fault.apply();
    const seen = { refused: 0, degraded: 0 };
    let dead = false;
    const unexpected = (what: string, answer: { status: number; json: unknown }) => {
      figures.other_errors += 1;
      if (answer.status === 0) dead = true;
      failures.push(`${name}: ${what} answered ${answer.status} ${JSON.stringify(answer.json).slice(0, 300)}`);
    };
    const began = performance.now();
    const until = began + phaseMs;
    // The short profile ends a phase once it made its point (a write refused, /healthz degraded)
    // and ran a second; a phase that has not keeps going to the end.
    const proven = () => !full && seen.refused > 0 && seen.degraded > 0 && performance.now() - began >= 1_000;
    while (performance.now() < until && !dead && !proven()) {
      n += 1;
      const email = `storage-${name}-${n}@example.com`;
      const created = await call('POST', '/v1/customers', { email, name: `Storage ${n}` });
      if (created.status === 201) {
        accepted.add(email);
        figures.writes_accepted += 1;
      } else if (isStorage503(created)) {
        refused.add(email);
        seen.refused += 1;
      } else unexpected('POST /v1/customers', created);
      const cardToken = tokens.pop();
      if (cardToken) {
        const payment = await call('POST', '/v1/payments', { customer_id: customer, items: [{ product_id: product, quantity: 1 }], card_token: cardToken });
        if (payment.status === 201) {
          paid.add(payment.json.payment_id as string);
          figures.writes_accepted += 1;
        } else if (isStorage503(payment)) seen.refused += 1;
        else unexpected('POST /v1/payments', payment);
      }
      const read = await call('GET', '/v1/customers?limit=5');
      if (read.status === 200) figures.reads_ok += 1;
      else if (isStorage503(read)) {
        figures.reads_refused_503 += 1;
        // A read-only database still answers reads: refusing them is a failure; on a full disk a read may need no space either.
        if (name === 'read_only') failures.push(`read_only: GET /v1/customers answered 503 ${JSON.stringify(read.json).slice(0, 300)}`);
      } else unexpected('GET /v1/customers', read);
      const health = await call('GET', '/healthz', undefined, null);
      if (isStorage503(health)) seen.degraded += 1;
      else if (health.status !== 200) unexpected('GET /healthz', health);
    }
    figures.writes_refused_503 += seen.refused;
    figures.healthz_degraded += seen.degraded > 0 ? 1 : 0;
    log(`${name}_writes_refused_503`, seen.refused);
    log(`${name}_healthz_degraded_answers`, seen.degraded);
    // A read-only store refuses every write. A full one refuses those that need new space: rows
    // that fit pages PostgreSQL already has are written, and are then checked like every other.
    if (seen.refused === 0 && name === 'read_only') failures.push(`${name}: no write was refused while the store was ${name}`);
    if (seen.degraded === 0) failures.push(`${name}: /healthz never reported the storage problem`);
    if (name === 'read_only' && figures.writes_accepted > 0) failures.push(`read_only: ${figures.writes_accepted} writes were accepted by a read-only store`);

    await fault.undo();
    // Back without a restart: /healthz turns 200 and a write (a customer, a paid payment) works.
    const deadline = performance.now() + 10_000;
    let healthy = false;
    while (!healthy && performance.now() < deadline) {
      healthy = (await call('GET', '/healthz', undefined, null)).status === 200;
      if (!healthy) await new Promise((resolve) => setTimeout(resolve, 100));
    }
    if (!healthy) {
      failures.push(`${name}: /healthz was not 200 within 10 s of the store coming back`);
      return;
    }
    const email = `storage-${name}-after@example.com`;
    const again = await call('POST', '/v1/customers', { email, name: 'After' });
    const payment = await call('POST', '/v1/payments', { customer_id: customer, items: [{ product_id: product, quantity: 1 }], card_token: await token().catch(() => '') });
    if (again.status === 201 && payment.status === 201) {
      accepted.add(email);
      paid.add(payment.json.payment_id as string);
      figures.recovered += 1;
    } else failures.push(`${name}: after recovery POST /v1/customers ${again.status}, POST /v1/payments ${payment.status} ${JSON.stringify(payment.json).slice(0, 300)}`);
  };

  const phases = [
    ['read_only', faults.readOnly],
    ['full', faults.full],
  ] as const;
  for (const [name, fault] of phases) if (fault) await phase(name, fault);
  log('mechanism', `read_only=${faults.mechanism.read_only},full=${faults.mechanism.full}`);

  // Nothing half-written, read from the database itself.
  const db = await openStore(server.database.pgUrl ? { databaseUrl: server.database.pgUrl, migrate: false } : { file: server.database.sqliteFile!, migrate: false });
  try {
    const emails = new Set((await db.db.selectFrom('customers').select('email').where('business_id', '=', server.business.id).execute()).map((row) => row.email));
    for (const email of refused) if (emails.has(email)) failures.push(`half_written: customer ${email} was answered 503 but exists`);
    for (const email of accepted) if (!emails.has(email)) failures.push(`half_written: customer ${email} was answered 201 but is missing`);
    const charges = await db.db.selectFrom('sandbox_charges').select(['id', 'amount']).execute();
    const payments = await db.db.selectFrom('payments').select(['id', 'status', 'amount', 'processor_charge_id']).execute();
    const chargeOf = new Map(payments.filter((p) => p.processor_charge_id).map((p) => [p.processor_charge_id!, p]));
    const orphanCharges = charges.filter((charge) => chargeOf.get(charge.id)?.status !== 'succeeded');
    const uncharged = payments.filter((p) => p.status === 'succeeded' && !charges.some((charge) => charge.id === p.processor_charge_id && charge.amount === p.amount));
    const lost = [...paid].filter((id) => !payments.some((p) => p.id === id && p.status === 'succeeded'));
    figures.half_written =
      orphanCharges.length + uncharged.length + lost.length + [...refused].filter((email) => emails.has(email)).length + [...accepted].filter((email) => !emails.has(email)).length;
    for (const charge of orphanCharges) failures.push(`half_written: sandbox charge ${charge.id} (${charge.amount}) has no succeeded payment (${chargeOf.get(charge.id)?.status ?? 'none'})`);
    for (const payment of uncharged) failures.push(`half_written: payment ${payment.id} succeeded without its sandbox charge`);
    for (const id of lost) failures.push(`half_written: payment ${id} was answered 201 but is not recorded as succeeded`);
    log('payments', payments.length);
    log('sandbox_charges', charges.length);
  } finally {
    await db.close();
  }
  for (const [figure, value] of Object.entries(figures)) log(figure, value);
  if (figures.other_errors > 0 || failures.length > 0) failures.push(`server log (tail): ${server.stderr().slice(-2_000)}`);
  return { failures };
}
