// Component tests in real (Debian) Chromium, with msw answering the portal API in the browser.
import { copyFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { esbuildPlugin } from '@web/dev-server-esbuild';
import { defaultReporter } from '@web/test-runner';
import { chromeLauncher } from '@web/test-runner-chrome';
import { chromiumLaunchOptions } from '../../scripts/lib/chromium.mjs';
import { summaryReporter } from './scripts/summary-reporter.mjs';

const packageDir = dirname(fileURLToPath(import.meta.url));
// Serve from the repo root so pnpm's store (../../node_modules/.pnpm) and the workspace's
// @dodo-portal/wire sources are plain paths, not "outside root" rewrites.
const rootDir = join(packageDir, '../..');
const require = createRequire(import.meta.url);

/**
 * `executeServerCommand('ax-tree')`: the page's whole accessibility tree (shadow roots included),
 * not only the "interesting" nodes a11ySnapshot() keeps, which leave out tables, rows and cells.
 * Tests use it to prove a table stacked as cards is still a table to assistive technology.
 */
const axTreePlugin = () => ({
  name: 'ax-tree',
  async executeCommand({ command, session }) {
    if (command !== 'ax-tree') return undefined;
    return session.browser.getPage(session.id).accessibility.snapshot({ interestingOnly: false });
  },
});

// mockServiceWorker.js is generated (gitignored): copied from the installed msw on every run,
// so a fresh clone works and the worker always matches the library's version.
const workerFile = join(packageDir, 'mockServiceWorker.js');
copyFileSync(require.resolve('msw/mockServiceWorker.js'), workerFile);
const workerPath = `/${relative(rootDir, workerFile)}`;

/** @type {import('@web/test-runner').TestRunnerConfig} */
export default {
  rootDir,
  files: [join(packageDir, 'src/**/*.test.ts')],
  nodeResolve: true,
  // One page at a time: keyboard tests need the focused page, and lazy locale chunks compiled
  // on first request starve under parallel pages on a 2-core machine (tests timed out at 10 s).
  concurrency: 1,
  testFramework: { config: { timeout: 10_000 } },
  browsers: [
    chromeLauncher({
      launchOptions: chromiumLaunchOptions(),
    }),
  ],
  middleware: [
    // The worker must be served from the root to control the whole origin.
    function mockServiceWorker(ctx, next) {
      if (ctx.path === '/mockServiceWorker.js') ctx.path = workerPath;
      return next();
    },
  ],
  plugins: [axTreePlugin(), esbuildPlugin({ ts: true, target: 'es2022', tsconfig: join(packageDir, 'tsconfig.json') })],
  reporters: [defaultReporter(), summaryReporter({ outputFile: join(packageDir, 'test-results/summary.json') })],
};
