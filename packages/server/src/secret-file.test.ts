import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DemoSeeded, LicenseKeyInstanceList, PortalLicenseKey, PortalLicenseKeyList, PortalSession } from '@dodo-portal/wire/schemas';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from './app.ts';
import { resolveServerSecret, SECRET_FILE_NAME } from './secret-file.ts';
import { seedDemo } from './seed.ts';
import { openStore, type Store } from './store/index.ts';
import { memoryLogger, TestClock } from './testing/harness.ts';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'dodo-portal-secret-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the server secret', () => {
  it('is generated once beside the database, readable by its owner only, and reused', () => {
    const file = join(dir, 'data', 'portal.db');
    const first = resolveServerSecret({}, { file });
    const path = join(dir, 'data', SECRET_FILE_NAME);
    expect(first.source).toBe(`${path} (generated)`);
    expect(first.secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(readFileSync(path, 'utf8').trim()).toBe(first.secret);
    expect(resolveServerSecret({}, { file })).toEqual({ secret: first.secret, source: path });
  });

  it('comes from DODO_PORTAL_SECRET when set, which must be long enough, and is required with PostgreSQL', () => {
    const secret = 'an-operator-chosen-secret-of-enough-length';
    expect(resolveServerSecret({ DODO_PORTAL_SECRET: secret }, { file: join(dir, 'env', 'x.db') })).toEqual({ secret, source: 'DODO_PORTAL_SECRET' });
    expect(() => resolveServerSecret({ DODO_PORTAL_SECRET: 'short' }, { file: join(dir, 'env', 'x.db') })).toThrow(/at least 32/);
    expect(() => resolveServerSecret({}, { databaseUrl: 'postgres://127.0.0.1/x' })).toThrow(/Set DODO_PORTAL_SECRET/);
    writeFileSync(join(dir, SECRET_FILE_NAME), 'tampered\n');
    expect(() => resolveServerSecret({}, { file: join(dir, 'other.db') })).toThrow(new RegExp(`${SECRET_FILE_NAME}: DODO_PORTAL_SECRET must be at least 32`));
  });
});

describe('the seeded demo vault, read by a server on the same secret', () => {
  let store: Store;
  let seeded: DemoSeeded;
  let app: ReturnType<typeof createApp>;
  const clock = new TestClock(new Date('2025-03-10T09:00:00.000Z'));
  beforeAll(async () => {
    const file = join(dir, 'demo', 'dodo-portal.db');
    const { secret } = resolveServerSecret({}, { file });
    store = await openStore({ file });
    seeded = await seedDemo(store, { clock, secret, logger: memoryLogger() });
    // A later `serve` on this folder: it reads the same secret file.
    app = createApp({ store, clock, publicUrl: 'https://portal.test', logger: memoryLogger(), secret: resolveServerSecret({}, { file }).secret });
  });
  afterAll(async () => store?.close());

  it('shows the demo customer two keys of one purchase, one activated, and reveals them', async () => {
    const merchant = { authorization: `Bearer ${seeded.api_keys.test}`, 'content-type': 'application/json' };
    const session = (await (
      await app.request(`/v1/customers/${seeded.demo_customer_id}/customer-portal/session`, { method: 'POST', headers: merchant, body: '{}' })
    ).json()) as PortalSession;
    const portal = { authorization: `Bearer ${session.session_token}` };
    const vault = (await (await app.request('/portal/v1/license-keys', { headers: portal })).json()) as PortalLicenseKeyList;
    expect(vault.items.map((key) => [key.product.name, key.status, key.activations_limit, key.instances_count, key.source.type]).sort()).toEqual([
      ['Acme CLI Pro', 'active', 3, 0, 'purchase'],
      ['Acme Desktop license', 'active', 3, 1, 'purchase'],
    ]);
    expect(new Set(vault.items.map((key) => key.source.invoice_id)).size).toBe(1);
    const desktop = vault.items.find((key) => key.product.name === 'Acme Desktop license')!;
    expect(desktop.expires_at! > '2026-02-20T00:00:00.000Z').toBe(true);
    const revealed = (await (await app.request(`/portal/v1/license-keys/${desktop.license_key_id}`, { headers: portal })).json()) as PortalLicenseKey;
    expect(revealed.key).toMatch(/^[0-9A-Z]{5}(-[0-9A-Z]{5}){4}$/);
    const instances = (await (await app.request(`/portal/v1/license-keys/${desktop.license_key_id}/instances`, { headers: portal })).json()) as LicenseKeyInstanceList;
    expect(instances.items.map((instance) => instance.name)).toEqual(['Ada’s MacBook Pro']);
  });
});
