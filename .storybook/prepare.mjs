// Generates .storybook/public/mockServiceWorker.js (gitignored) from the installed msw, so the
// worker always matches the library version, and the custom-elements manifest the stories' controls
// and docs read. Run before `storybook dev` and `storybook build`.
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(join(here, '..', 'package.json'));
const target = join(here, 'public', 'mockServiceWorker.js');
mkdirSync(dirname(target), { recursive: true });
copyFileSync(require.resolve('msw/mockServiceWorker.js'), target);

execFileSync(process.execPath, [join(here, '..', 'packages/elements/scripts/manifest.mjs')], { stdio: 'inherit' });
