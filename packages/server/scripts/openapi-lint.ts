/**
 * Lints the OpenAPI document the server serves (`GET /openapi.json` of an app from `createApp`)
 * with Redocly's recommended rules. A step of `npm test`: any error fails it.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createApp } from '../src/app.ts';
import { openStore } from '../src/store/index.ts';

// The CLI of the workspace's @redocly/cli (a root devDependency), run with this Node.
const redoclyCli = join(dirname(createRequire(import.meta.url).resolve('@redocly/cli/package.json')), 'bin', 'cli.js');

const dir = mkdtempSync(join(tmpdir(), 'dodo-portal-openapi-lint-'));
let status = 1;
try {
  const store = await openStore({ file: join(dir, 'lint.db') });
  try {
    const app = createApp({ store, publicUrl: 'https://billing.dodo-portal.test', secret: 'openapi-lint-secret-0123456789abcdefghij' });
    const response = await app.request('/openapi.json');
    if (response.status !== 200) throw new Error(`GET /openapi.json answered ${response.status}`);
    const file = join(dir, 'openapi.json');
    writeFileSync(file, await response.text());
    const lint = spawnSync(process.execPath, [redoclyCli, 'lint', file, '--format=stylish'], { stdio: 'inherit' });
    if (lint.error) throw lint.error;
    status = lint.status ?? 1;
  } finally {
    await store.close();
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
process.exit(status);
