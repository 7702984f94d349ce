/**
 * The restore drill: purchases (customer, invoice, payment, license key) run against a real server
 * while `dodo-portal backup --to FILE` copies its store; `dodo-portal restore --from FILE` puts the
 * copy into a fresh data directory (SQLite) or a fresh database (PostgreSQL); a server on the
 * restored store must answer every customer, invoice, payment and license key (revealing the same
 * key) that was acknowledged before the backup began, and the restore must report integrity ok.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Drill } from './drill.ts';
import { pool } from './tools.ts';
import { adminQuery, runCli, spawnServe, startDrillServer, type Served } from './serve.ts';

/** Reads of the original and the restored server at once. */
const READERS = 6;

type Json = Record<string, unknown>;

interface Purchase {
  customer_id: string;
  payment_id: string;
  invoice_id: string;
}

export const restore: Drill = {
  name: 'restore',
  async run({ full, store, databaseUrl, log }) {
    // Each request "from" its own address: the per-IP limits (card tokens) are tested on their own.
    const server = await startDrillServer({ store, databaseUrl }, { TRUST_PROXY: '1' });
    const dir = mkdtempSync(join(tmpdir(), 'dodo-portal-restore-'));
    const restoredDatabase = `dodo_restore_${process.pid}_${randomBytes(4).toString('hex')}`;
    let restoredEnv: NodeJS.ProcessEnv;
    if (store === 'postgres') {
      await adminQuery(databaseUrl!, `create database "${restoredDatabase}"`);
      const url = new URL(databaseUrl!);
      url.pathname = `/${restoredDatabase}`;
      restoredEnv = { ...server.env, DATABASE_URL: url.toString() };
    } else {
      restoredEnv = { ...server.env, DODO_PORTAL_DB: join(dir, 'fresh', 'dodo-portal.db') };
    }
    const failures: string[] = [];
    let restoring: Promise<{ report: { integrity: string; counts: Record<string, number> }; restored: Served }> | undefined;
    try {
      const key = server.business.keys.test;
      let client = 0;
      const call = async (url: string, method: string, path: string, body?: unknown): Promise<{ status: number; json: Json }> => {
        const response = await fetch(`${url}${path}`, {
          method,
          headers: {
            authorization: `Bearer ${key}`,
            'x-forwarded-for': `10.7.${((client += 1) >> 8) & 255}.${client & 255}`,
            ...(body === undefined ? {} : { 'content-type': 'application/json' }),
          },
          ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        });
        return { status: response.status, json: (await response.json()) as Json };
      };
      const made = async (path: string, body: unknown) => {
        const { status, json } = await call(server.url, 'POST', path, body);
        if (status >= 300) throw new Error(`POST ${path}: ${status} ${JSON.stringify(json)}`);
        return json;
      };
      const product = (
        await made('/v1/products', { name: 'Restore Kit', billing_type: 'one_time', price: 1234, currency: 'USD', license_key: { activations_limit: 3, duration_days: null } })
      ).product_id as string;

      // Writers: each purchase is a new customer, a card token and a one-time payment (an invoice
      // and a license key with it). A purchase is acknowledged when the payment's 201 arrived.
      let backupBegan = false;
      let writing = true;
      const before: Purchase[] = [];
      const during: Purchase[] = [];
      let n = 0;
      const writer = async () => {
        while (writing) {
          try {
            await purchase();
          } catch (error) {
            failures.push(`a write failed: ${error instanceof Error ? error.message : String(error)}`);
            writing = false;
          }
        }
      };
      const purchase = async () => {
        n += 1;
        const customer = await made('/v1/customers', { email: `restore-${n}@drill.example`, name: `Restore ${n}` });
        const token = (await made('/sandbox/v1/tokens', { number: '4242424242424242', exp_month: 12, exp_year: 2040, cvc: '123' })).card_token as string;
        const payment = await made('/v1/payments', { customer_id: customer.customer_id, items: [{ product_id: product, quantity: 1 }], card_token: token });
        const purchase = { customer_id: customer.customer_id as string, payment_id: payment.payment_id as string, invoice_id: payment.invoice_id as string };
        (backupBegan ? during : before).push(purchase);
      };
      const writers = Array.from({ length: 3 }, () => writer());
      // The backup begins once the store holds purchases to lose (short: 30 acknowledged, or 5 s
      // at most on a slow machine; --full: 8 s of writes).
      const warmUntil = performance.now() + (full ? 8_000 : 5_000);
      while (writing && performance.now() < warmUntil && (full || before.length < 30)) await new Promise((resolve) => setTimeout(resolve, 20));

      const backupFile = join(dir, 'backup', store === 'postgres' ? 'dodo-portal.dump' : 'dodo-portal.db');
      backupBegan = true;
      const started = performance.now();
      const backup = JSON.parse(await runCli(['backup', '--to', backupFile, '--json'], server.env)) as { bytes: number };
      log('backup_ms', Math.round(performance.now() - started));
      log('backup_bytes', backup.bytes);
      // Writes go on for a moment after the backup, as they would on a live server.
      await new Promise((resolve) => setTimeout(resolve, 200));
      writing = false;
      await Promise.all(writers);

      // The restore and the restored server start while the original server is read: neither needs the other.
      restoring = (async () => {
        const report = JSON.parse(await runCli(['restore', '--from', backupFile, '--json'], restoredEnv)) as { integrity: string; counts: Record<string, number> };
        return { report, restored: await spawnServe(restoredEnv, () => undefined) };
      })();
      // What the merchant could read before the backup began: its license keys by payment.
      const keysOf = new Map<string, { license_key_id: string; key: string }>();
      await pool(before, READERS, async (purchase) => {
        const { json } = await call(server.url, 'GET', `/v1/license-keys?customer_id=${purchase.customer_id}`);
        for (const item of (json.items as Json[]) ?? []) {
          if (item.payment_id !== purchase.payment_id) continue;
          const revealed = await call(server.url, 'GET', `/v1/license-keys/${item.license_key_id as string}`);
          keysOf.set(purchase.payment_id, { license_key_id: item.license_key_id as string, key: revealed.json.key as string });
        }
        if (!keysOf.has(purchase.payment_id)) failures.push(`payment ${purchase.payment_id} has no license key on the original server`);
      });
      log('acknowledged_before_backup', before.length);
      log('written_during_backup', during.length);

      const { report, restored } = await restoring;
      log('integrity', report.integrity);
      if (report.integrity !== 'ok') failures.push(`restore reported integrity ${report.integrity}`);

      let missing = 0;
      let wrongKey = 0;
      try {
        await pool(before, READERS, async (purchase) => {
          const checks: [string, string][] = [
            ['customer', `/v1/customers/${purchase.customer_id}`],
            ['invoice', `/v1/invoices/${purchase.invoice_id}`],
            ['payment', `/v1/payments/${purchase.payment_id}`],
          ];
          const licenseKey = keysOf.get(purchase.payment_id);
          if (licenseKey) checks.push(['license key', `/v1/license-keys/${licenseKey.license_key_id}`]);
          for (const [what, path] of checks) {
            const { status, json } = await call(restored.url, 'GET', path);
            if (status !== 200) {
              missing += 1;
              failures.push(`${what} ${path} answers ${status} after restore: ${JSON.stringify(json).slice(0, 200)}`);
            } else if (what === 'license key' && json.key !== licenseKey!.key) {
              wrongKey += 1;
              failures.push(`license key ${licenseKey!.license_key_id} reveals a different key after restore`);
            }
          }
        });
        // Purchases acknowledged after the backup began may or may not be in the copy: counted, not judged.
        let duringInBackup = 0;
        await pool(during, READERS, async (purchase) => {
          if ((await call(restored.url, 'GET', `/v1/payments/${purchase.payment_id}`)).status === 200) duringInBackup += 1;
        });
        log('during_in_backup', duringInBackup);
      } finally {
        restored.child.kill('SIGTERM');
        await restored.exited;
      }
      log('missing_after_restore', missing);
      log('wrong_license_keys', wrongKey);
      log('restored_invoices', report.counts.invoices ?? 0);
      if (before.length === 0) failures.push('no purchase was acknowledged before the backup began');
      if (failures.length > 0) failures.push(`server log (tail): ${server.stderr().slice(-2_000)}`);
      return { failures };
    } finally {
      // Stopped also when reading the original server failed while the restored one started.
      await restoring
        ?.then(async ({ restored }) => {
          restored.child.kill('SIGTERM');
          await restored.exited;
        })
        .catch(() => undefined);
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
      if (store === 'postgres') await adminQuery(databaseUrl!, `drop database if exists "${restoredDatabase}" with (force)`);
    }
  },
};
