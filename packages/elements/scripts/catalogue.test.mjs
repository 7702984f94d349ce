// Adding an element is its folder + one catalogue line: in a temporary copy of the package, a
// throwaway element is added that way, the package is built, and the test shows the CDN script
// registers it (in Chromium), its define entry registers it, and it has a React wrapper and its
// package exports — with no other source file touched by hand.
// Usage: node --test packages/elements/scripts/catalogue.test.mjs
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import { chromiumLaunchOptions } from '../../../scripts/lib/chromium.mjs';
import { packageDir } from './analyze.mjs';

const repo = join(packageDir, '../..');
const copy = mkdtempSync(join(tmpdir(), 'dodo-catalogue-'));
const elements = join(copy, 'packages/elements');
const run = (command, args, cwd = elements) => {
  try {
    return execFileSync(command, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8' });
  } catch (error) {
    throw new Error(`${[command, ...args].join(' ')} failed:\n${error.stdout}${error.stderr}`);
  }
};
const bin = (name) => [join(elements, 'node_modules/.bin', name), join(copy, 'node_modules/.bin', name)].find((path) => existsSync(path)) ?? name;

before(() => {
  // The package and what its build reads (the root config and tsconfig, the wire sources); the
  // installed node_modules are linked, not copied.
  const skip = (path) => /\/(node_modules|dist|storybook-static|test-results)(\/|$)/.test(path);
  for (const path of ['tsconfig.base.json', 'tsconfig.json', 'package.json', 'vite.config.ts']) {
    if (existsSync(join(repo, path))) cpSync(join(repo, path), join(copy, path));
  }
  for (const path of ['packages/elements', 'packages/wire', 'scripts/lib']) cpSync(join(repo, path), join(copy, path), { recursive: true, filter: (source) => !skip(source) });
  for (const path of ['node_modules', 'packages/elements/node_modules', 'packages/wire/node_modules']) symlinkSync(join(repo, path), join(copy, path), 'dir');

  // The throwaway element: its folder …
  mkdirSync(join(elements, 'src/components/throwaway'));
  writeFileSync(
    join(elements, 'src/components/throwaway/throwaway.ts'),
    `import { LitElement, html } from 'lit';
import { property } from 'lit/decorators.js';

/**
 * @summary A throwaway element that says hello.
 */
export class DodoThrowaway extends LitElement {
  /** Who is greeted. */
  @property() name = 'catalogue';

  override render() {
    return html\`<p part="base">Hello, \${this.name}</p>\`;
  }
}
`,
  );
  // … and one catalogue line.
  const cataloguePath = join(elements, 'src/catalogue.json');
  const catalogue = JSON.parse(readFileSync(cataloguePath, 'utf8'));
  catalogue.elements.push({ name: 'throwaway' });
  writeFileSync(cataloguePath, `${JSON.stringify(catalogue, null, 2)}\n`);

  // The build's own steps (its manifest and docs checks would, rightly, ask for docs of the new element).
  run(process.execPath, ['scripts/catalogue.mjs']);
  const config = existsSync(join(elements, 'vite.config.ts')) ? 'vite.config.ts' : '../../vite.config.ts';
  run(bin('vite'), ['build', '--config', config]);
  run(bin('vite'), ['build', '--config', config, '--mode', 'cdn']);
  run(bin('tsc'), ['-p', 'tsconfig.build.json']);
  run(process.execPath, ['src/react/build.mjs']);
});

after(() => rmSync(copy, { recursive: true, force: true }));

test('the CDN script registers the new element', async () => {
  const browser = await chromium.launch(chromiumLaunchOptions());
  try {
    const page = await browser.newPage();
    await page.setContent('<!doctype html><dodo-throwaway name="world"></dodo-throwaway>');
    await page.addScriptTag({ content: readFileSync(join(elements, 'dist/cdn/dodo-portal.js'), 'utf8') });
    const text = await page.locator('dodo-throwaway').locator('p[part="base"]').textContent();
    assert.equal(text, 'Hello, world');
    assert.equal(await page.evaluate(() => Boolean(customElements.get('dodo-portal'))), true);
  } finally {
    await browser.close();
  }
});

test('its define entry registers it, after the context provider', () => {
  const url = pathToFileURL(join(elements, 'dist/define/dodo-throwaway.js')).href;
  const seen = run(process.execPath, [
    '--input-type=module',
    '-e',
    `await import(${JSON.stringify(url)}); console.log(['dodo-portal', 'dodo-throwaway'].map((tag) => Boolean(customElements.get(tag))).join(' '))`,
  ]);
  assert.equal(seen.trim(), 'true true');
});

test('it has a React wrapper and package exports', () => {
  const url = pathToFileURL(join(elements, 'dist/react/index.js')).href;
  const name = run(process.execPath, ['--input-type=module', '-e', `const react = await import(${JSON.stringify(url)}); console.log(react.DodoThrowaway.displayName)`]);
  assert.equal(name.trim(), 'DodoThrowaway');
  const { exports } = JSON.parse(readFileSync(join(elements, 'package.json'), 'utf8'));
  assert.deepEqual(exports['./throwaway'], { types: './dist/components/throwaway/throwaway.d.ts', default: './dist/components/throwaway/throwaway.js' });
  assert.deepEqual(exports['./define/dodo-throwaway'], { types: './dist/define/dodo-throwaway.d.ts', default: './dist/define/dodo-throwaway.js' });
});
