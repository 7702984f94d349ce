// Size budget of the CDN script: gzip (level 9) must stay within size-budget.json, and the
// bundle must not contain forbidden libraries (classic zod belongs on the server) nor any
// language but English (the others are separate files, loaded lazily).
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';

const packageDir = join(dirname(fileURLToPath(import.meta.url)), '..');
const budget = JSON.parse(readFileSync(join(packageDir, 'size-budget.json'), 'utf8'));
const file = join(packageDir, budget.file);

let source;
try {
  source = readFileSync(file);
} catch {
  console.error(`size: ${budget.file} not found — run \`pnpm --filter @dodo-portal/elements build\` first`);
  process.exit(1);
}

const gzipBytes = gzipSync(source, { level: 9 }).length;
const failures = [];
if (gzipBytes > budget.maxGzipBytes) {
  failures.push(`gzip size ${gzipBytes} B exceeds the budget of ${budget.maxGzipBytes} B`);
}
const text = source.toString('utf8');
for (const name of budget.forbidden ?? []) {
  // Library markers, not the bare word: zod's sources carry these identifiers even minified.
  const markers = name === 'zod' ? [/\bZodError\b/, /\$ZodType/, /\bzod\/v4\b/, /["']ZodObject["']/] : [new RegExp(`\\b${name}\\b`)];
  if (markers.some((marker) => marker.test(text))) failures.push(`${name} is in the bundle`);
}

// Only English belongs in the script: every other locale is a file of its own, loaded on first
// use (vite.config.ts, cdnLocales). Each must be built, and none of its text may be in the script.
const localesDir = join(dirname(file), 'dodo-portal/locales');
const sourceLocales = readdirSync(join(packageDir, 'src/localization/locales')).filter((name) => name.endsWith('.ts'));
for (const name of sourceLocales) {
  const locale = name.slice(0, -3);
  const built = join(localesDir, `${locale}.js`);
  if (!existsSync(built)) {
    failures.push(`dodo-portal/locales/${locale}.js was not built beside the script`);
    continue;
  }
  const { templates } = await import(pathToFileURL(built).href);
  // The script escapes non-ASCII characters, so look for each value's longest ASCII run.
  const inScript = Object.values(templates)
    .map((value) => (typeof value === 'string' ? value : value.strings.join(' ')))
    .map((value) => value.split(/[^\x20-\x7e]|\s{2,}/).sort((a, b) => b.length - a.length)[0].trim())
    .filter((run) => run.length >= 16 && text.includes(run));
  if (inScript.length > 0) failures.push(`${locale} text is in the script (it must load lazily): ${[...new Set(inScript)].slice(0, 3).map((run) => JSON.stringify(run)).join(', ')}`);
}

const kb = (bytes) => `${(bytes / 1024).toFixed(2)} KB`;
console.log(
  `${budget.file}: ${kb(source.length)} minified, ${kb(gzipBytes)} gzip (${gzipBytes} B; budget ${budget.maxGzipBytes} B, ` +
    `${Math.abs(budget.maxGzipBytes - gzipBytes)} B ${gzipBytes > budget.maxGzipBytes ? 'over' : 'to spare'})`,
);
// `--report` (used by the build) prints the figures; without it (the test command) they are enforced.
if (failures.length > 0) {
  for (const failure of failures) console.error(`size: ${failure}`);
  if (!process.argv.includes('--report')) process.exit(1);
}
