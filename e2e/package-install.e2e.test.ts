/**
 * The packed `@dodo-portal/elements` as a merchant installs it: `pnpm pack`, then plain
 * `npm install <tarball> lit react` in an empty folder outside the workspace — no pnpm overrides,
 * no workspace links, no `@dodo-portal/wire` (private, never published: the package must not need
 * it, at run time or in its types). Then every entry of its `exports` imports in plain Node, and a
 * small TypeScript file type-checks against the package's own `.d.ts` with `skipLibCheck: false`.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { capture, pnpm, repoRoot } from '../scripts/lib/run.ts';

const execFileAsync = promisify(execFile);
const elementsDir = join(repoRoot, 'packages/elements');
const pn = pnpm();
let work: string;
let app: string;
let installed: string;

beforeAll(async () => {
  // The test command builds the elements first; a standalone run builds them when absent.
  if (!existsSync(join(elementsDir, 'dist/wire/schemas.d.ts')) || !existsSync(join(elementsDir, 'custom-elements.json'))) {
    await capture([...pn, '--filter', '@dodo-portal/elements', 'run', 'build']);
  }
  work = mkdtempSync(join(tmpdir(), 'dodo-package-install-'));
  await capture([...pn, 'pack', '--pack-destination', work], { cwd: elementsDir });
  const tarball = join(
    work,
    readdirSync(work).find((file) => file.startsWith('dodo-portal-elements-') && file.endsWith('.tgz'))!,
  );
  app = join(work, 'app');
  await capture(['mkdir', '-p', app]);
  writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'merchant-app', private: true, type: 'module' }, null, 2));
  // react: the optional peer of the `./react/*` wrappers, so that every entry can be imported.
  await capture(['npm', 'install', '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error', tarball, 'lit', 'react'], { cwd: app });
  installed = join(app, 'node_modules/@dodo-portal/elements');
}, 300_000);

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('the packed elements package, installed with npm', () => {
  it('installs without @dodo-portal/wire: not a dependency, and nothing published refers to it', () => {
    const manifest = JSON.parse(readFileSync(join(installed, 'package.json'), 'utf8')) as { dependencies?: Record<string, string>; sideEffects: string[] };
    expect(Object.keys(manifest.dependencies ?? {})).not.toContain('@dodo-portal/wire');
    expect(existsSync(join(app, 'node_modules/@dodo-portal/wire'))).toBe(false);
    const mentions: string[] = [];
    const walk = (dir: string) => {
      for (const entry of readdirSync(dir, { withFileTypes: true })) {
        const path = join(dir, entry.name);
        if (entry.isDirectory()) walk(path);
        else if (/\.(js|d\.ts)$/.test(entry.name) && readFileSync(path, 'utf8').includes('@dodo-portal/wire')) mentions.push(path.slice(installed.length + 1));
      }
    };
    walk(join(installed, 'dist'));
    expect(mentions).toEqual([]);
    // Every `sideEffects` pattern names files the package has (a bundler matches them against installed paths).
    for (const pattern of manifest.sideEffects) {
      const [dir, glob] = [pattern.slice(2, pattern.lastIndexOf('/')), pattern.slice(pattern.lastIndexOf('/') + 1)];
      const match = new RegExp(`^${glob.replace(/[.]/g, '\\.').replace(/\*/g, '.*')}$`);
      expect(existsSync(join(installed, dir)) && readdirSync(join(installed, dir)).some((file) => match.test(file)), pattern).toBe(true);
    }
  });

  it('imports every entry of its exports in plain Node (the CDN script as a no-op)', async () => {
    const manifest = JSON.parse(readFileSync(join(installed, 'package.json'), 'utf8')) as { exports: Record<string, string | { default?: string }> };
    const specifiers: string[] = [];
    for (const [key, target] of Object.entries(manifest.exports)) {
      const file = typeof target === 'string' ? target : target.default;
      if (!file || !file.endsWith('.js')) continue; // types-only and JSON entries
      if (key.includes('*')) {
        const [prefix, suffix] = file.split('*') as [string, string];
        for (const name of readdirSync(join(installed, prefix)))
          if (name.endsWith(suffix)) specifiers.push(`@dodo-portal/elements${key.slice(1).replace('*', name.slice(0, -suffix.length))}`);
      } else specifiers.push(`@dodo-portal/elements${key.slice(1)}`);
    }
    expect(specifiers).toContain('@dodo-portal/elements/cdn');
    expect(specifiers).toContain('@dodo-portal/elements/react/portal');
    const script = `for (const s of ${JSON.stringify(specifiers)}) await import(s);\nconsole.log('imported ' + ${specifiers.length});`;
    const entry = join(app, 'import-all.mjs');
    writeFileSync(entry, script);
    const { stdout } = await execFileAsync(process.execPath, [entry], { cwd: app });
    expect(stdout.trim()).toBe(`imported ${specifiers.length}`);
    // The classes are real, not stubs.
    const { DodoPortal } = (await import(pathToFileURL(join(installed, 'dist/index.js')).href)) as { DodoPortal: unknown };
    expect(typeof DodoPortal).toBe('function');
  });

  it('type-checks a merchant’s TypeScript against the package’s own .d.ts (skipLibCheck off)', async () => {
    writeFileSync(
      join(app, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: { target: 'ES2022', lib: ['ES2023', 'DOM'], module: 'ESNext', moduleResolution: 'Bundler', strict: true, noEmit: true, skipLibCheck: false, types: [] },
        files: ['merchant.ts'],
      }),
    );
    writeFileSync(
      join(app, 'merchant.ts'),
      `import { DodoPortal, type PlanChangedEvent, type SessionChannel } from '@dodo-portal/elements';
import type { DodoInvoiceList } from '@dodo-portal/elements/invoice-list';
import '@dodo-portal/elements/define/dodo-portal';

const portal: DodoPortal = document.createElement('dodo-portal');
portal.addEventListener('dodo-plan-changed', (event: PlanChangedEvent) => {
  const plan: string = event.detail.subscription.product.name;
  const rates: number[] = event.detail.invoice?.line_items.map((line) => line.tax_rate_bps) ?? [];
  console.log(plan, rates, event.detail.creditToBalance);
});
export function businessName(channel: SessionChannel): string | undefined {
  return channel.info?.business.display_name;
}
export function tax(list: DodoInvoiceList, event: PlanChangedEvent): number {
  console.log(list.tagName);
  // @ts-expect-error: amounts are integers in minor units, not strings (the wire types are real, not any)
  const wrong: string = event.detail.invoice!.tax;
  return wrong.length;
}
`,
    );
    const tsc = join(repoRoot, 'node_modules/.bin/tsc');
    const result = await execFileAsync(tsc, ['-p', app], { cwd: app }).then(
      () => '',
      (error: { stdout?: string; message: string }) => error.stdout || error.message,
    );
    expect(result).toBe('');
  });
});
