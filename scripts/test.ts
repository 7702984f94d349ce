/**
 * The one test command (`npm test` / `pnpm test`): every suite, in order, each on real parts —
 * server routes on a temp SQLite file (and PostgreSQL when DATABASE_URL is set), the elements in
 * Debian Chromium, the built Storybook, and the end-to-end slice against the real server.
 * It keeps going after a failure so one run shows everything, prints one table and a final
 * `N passed, N failed` line, and exits non-zero if anything failed.
 */
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { pnpm, repoRoot, run } from './lib/run.ts';

interface Counts {
  passed: number;
  failed: number;
}
interface StepResult extends Counts {
  name: string;
  ok: boolean;
  seconds: number;
}

const results = join(repoRoot, 'test-results');
rmSync(results, { recursive: true, force: true });
mkdirSync(results, { recursive: true });

const chrome = process.env.CHROME_PATH ?? '/usr/bin/chromium';
const missing = [existsSync(chrome) ? null : `Chromium (${chrome})`, existsSync('/usr/bin/pdftotext') ? null : 'pdftotext (poppler-utils)'].filter(Boolean);
if (missing.length > 0) {
  console.error(`Missing: ${missing.join(', ')}. Install with: sudo apt-get install -y chromium poppler-utils`);
  process.exit(1);
}

/** Vitest's JSON report → test counts. */
const vitestCounts = (file: string): Counts | undefined => {
  if (!existsSync(file)) return undefined;
  const report = JSON.parse(readFileSync(file, 'utf8')) as { numPassedTests: number; numFailedTests: number };
  return { passed: report.numPassedTests, failed: report.numFailedTests };
};
const jsonCounts = (file: string): Counts | undefined => (existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as Counts) : undefined);

const vitest = (name: string, args: string[], cwd = repoRoot) => {
  const out = join(results, `${name}.json`);
  return {
    name,
    command: ['vitest', 'run', ...args, '--reporter=default', '--reporter=json', `--outputFile.json=${out}`],
    cwd,
    counts: () => vitestCounts(out),
  };
};

const pn = pnpm();
const steps: { name: string; command: string[]; cwd?: string; counts?: () => Counts | undefined }[] = [
  { name: 'typecheck', command: ['sh', '-c', 'tsc -p tsconfig.json && tsc -p packages/server && tsc -p packages/elements'] },
  // The static checks, each defined once as a root script in package.json: ESLint with zero
  // warnings, Prettier's check (eslint.config.js, prettier.config.js), no runtime import circle (.madgerc).
  { name: 'lint', command: [...pn, 'run', 'lint'] },
  { name: 'format check', command: [...pn, 'run', 'format:check'] },
  { name: 'circular imports', command: [...pn, 'run', 'check:circular'] },
  // Every locale carries every msg() id, no stale keys, matching placeholders (packages/elements/scripts/locales-check.ts).
  { name: 'locales', command: ['tsx', 'packages/elements/scripts/locales-check.ts'] },
  vitest('server', [], join(repoRoot, 'packages/server')),
  // The portal client's retry, timeout and error rules against a loopback HTTP server.
  vitest('wire', [], join(repoRoot, 'packages/wire')),
  // The reliability drills' short profile (packages/server/drills, docs/reliability.md) against real
  // `dodo-portal serve` processes: one count per drill and store.
  {
    name: 'drills (short)',
    // A fixed seed keeps npm test repeatable; `pnpm drills` alone draws a new one each run.
    command: [...pn, 'run', 'drills', '--seed', '7', '--report', join(results, 'drills.json')],
    counts: () => jsonCounts(join(results, 'drills.json')),
  },
  // The served /openapi.json against Redocly's recommended rules (packages/server/scripts/openapi-lint.ts): 0 errors.
  { name: 'openapi lint', command: ['tsx', 'packages/server/scripts/openapi-lint.ts'] },
  // The files the element catalogue (packages/elements/src/catalogue.json) writes are current.
  { name: 'catalogue', command: ['node', 'packages/elements/scripts/catalogue.mjs', '--check'] },
  { name: 'elements build', command: [...pn, '--filter', '@dodo-portal/elements', 'run', 'build'] },
  // A throwaway element added by its folder + one catalogue line is registered by the CDN script and its define entry, with a React wrapper.
  { name: 'catalogue: add an element', command: ['node', '--test', 'packages/elements/scripts/catalogue.test.mjs'] },
  // gzip budgets (packages/elements/size-budget.json): the CDN script with every element, and a
  // page importing <dodo-portal> + <dodo-invoice-list> from npm (size/two-elements, a vite build).
  { name: 'size budgets', command: ['node', 'packages/elements/scripts/size.mjs'] },
  // Every npm entry imports in plain Node (no window/document at import time: SSR-safe).
  { name: 'elements import in Node (SSR)', command: ['node', 'packages/elements/scripts/ssr-check.mjs'] },
  { name: 'CDN script under strict CSP', command: ['node', 'packages/elements/scripts/cdn-check.mjs'] },
  {
    name: 'elements (Chromium)',
    command: [...pn, '--filter', '@dodo-portal/elements', 'test'],
    counts: () => jsonCounts(join(repoRoot, 'packages/elements/test-results/summary.json')),
  },
  { name: 'storybook build', command: ['sh', '-c', 'node .storybook/prepare.mjs && storybook build --quiet -o storybook-static'] },
  { name: 'storybook stories render', command: ['node', '.storybook/check.mjs'] },
  vitest('e2e', ['--config', 'e2e/vitest.config.ts']),
];

const outcomes: StepResult[] = [];
for (const step of steps) {
  console.log(`\n━━ ${step.name} ━━ ${step.command.join(' ')}`);
  const started = performance.now();
  const code = await run(step.command, { cwd: step.cwd ?? repoRoot });
  const seconds = (performance.now() - started) / 1000;
  const counts = step.counts?.() ?? { passed: code === 0 ? 1 : 0, failed: code === 0 ? 0 : 1 };
  // A suite whose runner failed but reported no failing test (crash, compile error) still fails.
  const failed = code !== 0 && counts.failed === 0 ? 1 : counts.failed;
  outcomes.push({ name: step.name, ok: code === 0, seconds, passed: counts.passed, failed });
}

console.log('\n━━ summary ━━');
for (const outcome of outcomes) {
  console.log(
    `${outcome.ok ? 'ok  ' : 'FAIL'}  ${outcome.name.padEnd(32)} ${String(outcome.passed).padStart(4)} passed ${String(outcome.failed).padStart(3)} failed  ${outcome.seconds.toFixed(1)} s`,
  );
}
const passed = outcomes.reduce((sum, outcome) => sum + outcome.passed, 0);
const failed = outcomes.reduce((sum, outcome) => sum + outcome.failed, 0);
console.log(`${passed} passed, ${failed} failed`);
process.exit(outcomes.every((outcome) => outcome.ok) ? 0 : 1);
