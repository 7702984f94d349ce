// Runs the custom-elements manifest analyzer (config in custom-elements-manifest.config.mjs) and
// returns the documented elements: the one reading of the elements' JSDoc that the manifest, the
// editor data, the JSX typings and the catalogue's React event props all come from.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const packageDir = join(dirname(fileURLToPath(import.meta.url)), '..');

/** Writes custom-elements.json; returns `{ manifest, elements }`, each element with its module `path`, sorted by tag. */
export function analyzeElements() {
  execFileSync(process.execPath, [join(packageDir, 'node_modules/@custom-elements-manifest/analyzer/cem.js'), 'analyze', '--config', 'custom-elements-manifest.config.mjs', '--quiet'], {
    cwd: packageDir,
    stdio: 'inherit',
  });
  const manifest = JSON.parse(readFileSync(join(packageDir, 'custom-elements.json'), 'utf8'));
  const elements = manifest.modules.flatMap((module) =>
    (module.declarations ?? []).filter((declaration) => declaration.customElement && declaration.tagName).map((declaration) => ({ ...declaration, path: module.path })),
  );
  elements.sort((a, b) => a.tagName.localeCompare(b.tagName));
  return { manifest, elements };
}
