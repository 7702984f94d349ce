// Size budget of the CDN script: gzip (level 9) must stay within size-budget.json, and the
// bundle must not contain forbidden libraries (classic zod belongs on the server).
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
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

const kb = (bytes) => `${(bytes / 1024).toFixed(2)} KB`;
console.log(
  `${budget.file}: ${kb(source.length)} minified, ${kb(gzipBytes)} gzip (${gzipBytes} B; budget ${budget.maxGzipBytes} B)`,
);
// `--report` (used by the build) prints the figures; without it (the test command) they are enforced.
if (failures.length > 0) {
  for (const failure of failures) console.error(`size: ${failure}`);
  if (!process.argv.includes('--report')) process.exit(1);
}
