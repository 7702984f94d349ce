/**
 * `pnpm drills [name…] [--full] [--serial] [--seed N] [--report FILE]`: each drill against real
 * servers over loopback, on SQLite and — when `DATABASE_URL` names one — on PostgreSQL, both stores
 * at once unless `--serial`. One line per figure
 * (`drill: <name> <figure> <value>`), each failure with what caused it, and a last line
 * `N passed, M failed` (one per drill and store). `--report` writes those counts as JSON for
 * `scripts/test.ts`. Exits non-zero when anything failed.
 */
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import type { DrillOptions } from './drill.ts';
import { drills } from './registry.ts';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { full: { type: 'boolean', default: false }, serial: { type: 'boolean', default: false }, seed: { type: 'string' }, report: { type: 'string' } },
});
const unknown = positionals.filter((name) => !drills.some((drill) => drill.name === name));
if (unknown.length > 0) {
  console.error(`unknown drill ${unknown.join(', ')}; known: ${drills.map((drill) => drill.name).join(', ')}`);
  process.exit(2);
}
const chosen = positionals.length > 0 ? drills.filter((drill) => positionals.includes(drill.name)) : drills;
const databaseUrl = /^postgres(ql)?:\/\//.test(process.env.DATABASE_URL ?? '') ? process.env.DATABASE_URL : undefined;
const stores: DrillOptions['store'][] = databaseUrl ? ['sqlite', 'postgres'] : ['sqlite'];
const seed = values.seed === undefined ? Math.floor(Math.random() * 2 ** 31) : Number(values.seed);

/** One drill on one store: its figures are printed as they come, its failures once it ended. */
async function runOne(drill: (typeof drills)[number], store: DrillOptions['store']): Promise<{ label: string; failures: string[] }> {
  const label = `${drill.name}:${store}`;
  const log = (figure: string, value: number | string) => console.log(`drill: ${label} ${figure} ${value}`);
  const started = performance.now();
  let failures: string[];
  try {
    ({ failures } = await drill.run({ full: values.full, store, ...(store === 'postgres' ? { databaseUrl } : {}), seed, log }));
  } catch (error) {
    failures = [`crashed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`];
  }
  log('seconds', ((performance.now() - started) / 1000).toFixed(1));
  return { label, failures };
}

let passed = 0;
let failed = 0;
for (const drill of chosen) {
  // A drill's stores run at once (each on its own server, data directory and database; the figures
  // are prefixed with the store): a drill's time is mostly process starts and round trips, which
  // overlap. --serial (and a drill that asks for it) runs them one after the other, which also
  // gives per-store timings.
  const serial = values.serial || drill.serialStores === true;
  const outcomes = serial ? [] : await Promise.all(stores.map((store) => runOne(drill, store)));
  if (serial) for (const store of stores) outcomes.push(await runOne(drill, store));
  for (const { label, failures } of outcomes) {
    for (const failure of failures) console.log(`FAIL ${label}: ${failure}`);
    if (failures.length === 0) passed += 1;
    else failed += 1;
  }
}
console.log(`${passed} passed, ${failed} failed`);
if (values.report) writeFileSync(values.report, JSON.stringify({ passed, failed }));
process.exit(failed === 0 ? 0 : 1);
