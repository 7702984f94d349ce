import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHarness, type Harness } from '../../testing/harness.ts';

// The CDN script loads its non-English catalogues from dodo-portal/locales/<locale>.js beside it.
let dir: string;
let harness: Harness;
const GERMAN = 'export const templates={"portal.title":"Abrechnung"};\n';

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'dodo-portal-locales-'));
  writeFileSync(join(dir, 'dodo-portal.js'), '/* bundle */\n');
  mkdirSync(join(dir, 'dodo-portal/locales'), { recursive: true });
  writeFileSync(join(dir, 'dodo-portal/locales/de.js'), GERMAN);
  writeFileSync(join(dir, 'secret.js'), 'not a locale\n');
  harness = await createHarness({ cdnScriptPath: join(dir, 'dodo-portal.js') });
});
afterAll(async () => {
  await harness.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('GET /dodo-portal/locales/:file', () => {
  it('serves a built catalogue as cross-origin JavaScript with ETag revalidation', async () => {
    const response = await harness.app.request('/dodo-portal/locales/de.js');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    // A module script from the portal's origin on the merchant's page needs CORS.
    expect(response.headers.get('access-control-allow-origin')).toBe('*');
    expect(response.headers.get('cross-origin-resource-policy')).toBe('cross-origin');
    expect(await response.text()).toBe(GERMAN);
    const again = await harness.app.request('/dodo-portal/locales/de.js', { headers: { 'if-none-match': response.headers.get('etag')! } });
    expect(again.status).toBe(304);
  });

  it('answers 404 not_found for a locale that was not built, and never leaves the locales folder', async () => {
    for (const path of ['/dodo-portal/locales/pt.js', '/dodo-portal/locales/..%2F..%2Fsecret.js', '/dodo-portal/locales/de.ts', '/dodo-portal/locales/%2e%2e']) {
      const response = await harness.app.request(path);
      expect(response.status, path).toBe(404);
      const body = (await response.json()) as { error: { code: string } };
      expect(body.error.code, path).toBe('not_found');
    }
  });
});
