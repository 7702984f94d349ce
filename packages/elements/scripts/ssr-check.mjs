// Server-rendering safety: every ESM entry of the npm package imports in plain Node — no DOM, no
// `window`, no `document` — so a merchant's Next.js / Astro / SvelteKit server can import it.
// Lit supplies its own Node build (HTMLElement and customElements shims); our modules must not
// touch the browser at import time. Each entry loads in a fresh process, so one entry's side
// effects cannot hide another's. The CDN script (`./cdn`, a classic-script IIFE with Lit's browser
// build inside) is exported too: in Node it must import as a no-op.
//
// Usage: node scripts/ssr-check.mjs   (after the package build; exits non-zero on a failure)
import { execFileSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const packageDir = join(dirname(fileURLToPath(import.meta.url)), '..');
const dist = join(packageDir, 'dist');

/** dist/index.js, dist/components/<name>/<name>.js, dist/define/<tag>.js, the CDN script (not chunks). */
const entries = [join(dist, 'index.js'), join(dist, 'cdn/dodo-portal.js')];
for (const folder of ['components', 'define']) {
  const walk = (dir) => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else if (name.endsWith('.js')) entries.push(path);
    }
  };
  walk(join(dist, folder));
}

// Runs inside the child: record any read of window/document made by code outside node_modules.
const probe = (url) => `
const touched = [];
for (const name of ['window', 'document', 'navigator', 'localStorage', 'sessionStorage']) {
  if (name in globalThis) continue;
  Object.defineProperty(globalThis, name, {
    configurable: true,
    get() {
      const frame = (new Error().stack ?? '').split('\\n').slice(2).find((line) => line.includes('file://'));
      if (frame && !frame.includes('/node_modules/')) touched.push(name + ' at ' + frame.trim());
      return undefined;
    },
  });
}
await import(${JSON.stringify(url)});
if (touched.length) { console.error(touched.join('\\n')); process.exit(2); }
`;

const failures = [];
for (const entry of entries) {
  try {
    execFileSync(process.execPath, ['--input-type=module', '-e', probe(pathToFileURL(entry).href)], {
      cwd: packageDir,
      stdio: ['ignore', 'pipe', 'pipe'],
      encoding: 'utf8',
    });
  } catch (error) {
    failures.push(`${relative(packageDir, entry)}: ${(error.stderr || error.message).trim().split('\n').slice(0, 4).join('\n    ')}`);
  }
}

if (failures.length > 0) {
  console.error(`ssr check: ${failures.length} of ${entries.length} entries touch the browser at import time:\n  ${failures.join('\n  ')}`);
  process.exit(1);
}
console.log(`ssr check: ${entries.length} entries import in plain Node without window or document`);
