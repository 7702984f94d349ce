// Size budgets (size-budget.json), in gzip level 9 bytes of the built files, deterministic:
// - `cdn`: the CDN script with every element and the English strings (dist/cdn/dodo-portal.js);
// - `twoElements`: the JavaScript a merchant's page downloads when it imports `<dodo-portal>` and
//   `<dodo-invoice-list>` from npm, as a plain Vite production build of size/two-elements/ emits
//   it (each file gzipped on its own, as it is served). The lazily loaded catalogues of the other
//   languages are not counted.
// Both must also be free of forbidden libraries (classic zod belongs on the server) and of any
// language but English. `--report` (used by the build) prints the figures; without it (the test
// command) they are enforced.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'vite';

const packageDir = join(dirname(fileURLToPath(import.meta.url)), '..');
const budgets = JSON.parse(readFileSync(join(packageDir, 'size-budget.json'), 'utf8'));
const gzip = (text) => gzipSync(text, { level: 9 }).length;
const failures = [];

const cdnFile = join(packageDir, budgets.cdn.file);
if (!existsSync(cdnFile)) {
  console.error(`size: ${budgets.cdn.file} not found — run \`pnpm --filter @dodo-portal/elements build\` first`);
  process.exit(1);
}
const cdnScript = readFileSync(cdnFile, 'utf8');

// The other languages' catalogues, built beside the CDN script (vite.config.ts, cdnLocales).
const locales = readdirSync(join(packageDir, 'src/localization/locales'))
  .filter((name) => name.endsWith('.ts'))
  .map((name) => name.slice(0, -3));
const catalogues = [];
for (const locale of locales) {
  const built = join(dirname(cdnFile), 'dodo-portal/locales', `${locale}.js`);
  if (!existsSync(built)) {
    failures.push(`dodo-portal/locales/${locale}.js was not built beside the CDN script`);
    continue;
  }
  const { templates } = await import(pathToFileURL(built).href);
  // The bundles escape non-ASCII characters, so look for each value's longest ASCII run.
  const runs = Object.values(templates)
    .map((value) => (typeof value === 'string' ? value : value.strings.join(' ')))
    .map((value) =>
      value
        .split(/[^\x20-\x7e]|\s{2,}/)
        .sort((a, b) => b.length - a.length)[0]
        .trim(),
    )
    .filter((run) => run.length >= 16);
  catalogues.push({ locale, runs: [...new Set(runs)] });
}

/** What must not be in an English bundle: forbidden libraries, and any other language's text. */
function checkContents(name, text) {
  for (const library of budgets.forbidden ?? []) {
    // Library markers, not the bare word: zod's sources carry these identifiers even minified.
    const markers = library === 'zod' ? [/\bZodError\b/, /\$ZodType/, /\bzod\/v4\b/, /["']ZodObject["']/] : [new RegExp(`\\b${library}\\b`)];
    if (markers.some((marker) => marker.test(text))) failures.push(`${name}: ${library} is in the bundle`);
  }
  for (const { locale, runs } of catalogues) {
    const inBundle = runs.filter((run) => text.includes(run));
    if (inBundle.length > 0)
      failures.push(
        `${name}: ${locale} text is in it (it must load lazily): ${inBundle
          .slice(0, 3)
          .map((run) => JSON.stringify(run))
          .join(', ')}`,
      );
  }
}

/** The page's JavaScript but the lazily imported catalogues: a Vite production build of the fixture. */
async function fixtureJavaScript(fixture) {
  const output = await build({
    configFile: false,
    root: join(packageDir, fixture),
    logLevel: 'warn',
    // Vite's modulepreload polyfill is the merchant's build's own code, not the package's.
    build: { write: false, reportCompressedSize: false, modulePreload: { polyfill: false } },
  });
  const chunks = (Array.isArray(output) ? output : [output]).flatMap((result) => result.output).filter((file) => file.type === 'chunk');
  const catalogue = (chunk) => chunk.isDynamicEntry && locales.some((locale) => basename(chunk.facadeModuleId ?? '').startsWith(`${locale}-`));
  return chunks.filter((chunk) => !catalogue(chunk)).map((chunk) => chunk.code);
}

const kb = (bytes) => `${(bytes / 1024).toFixed(2)} KB`;
function measure(name, files, maxGzipBytes) {
  const bytes = files.reduce((sum, text) => sum + text.length, 0);
  const gzipBytes = files.reduce((sum, text) => sum + gzip(text), 0);
  if (gzipBytes > maxGzipBytes) failures.push(`${name}: gzip size ${gzipBytes} B exceeds the budget of ${maxGzipBytes} B`);
  console.log(
    `${name}: ${files.length} file${files.length === 1 ? '' : 's'}, ${kb(bytes)} minified, ${kb(gzipBytes)} gzip (${gzipBytes} B; ` +
      `budget ${maxGzipBytes} B, ${Math.abs(maxGzipBytes - gzipBytes)} B ${gzipBytes > maxGzipBytes ? 'over' : 'to spare'})`,
  );
}

checkContents(budgets.cdn.file, cdnScript);
measure(budgets.cdn.file, [cdnScript], budgets.cdn.maxGzipBytes);

const page = await fixtureJavaScript(budgets.twoElements.fixture);
checkContents(budgets.twoElements.fixture, page.join('\n'));
measure(`${budgets.twoElements.fixture} (npm, vite build)`, page, budgets.twoElements.maxGzipBytes);

if (failures.length > 0) {
  for (const failure of failures) console.error(`size: ${failure}`);
  if (!process.argv.includes('--report')) process.exit(1);
}
