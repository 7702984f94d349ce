/**
 * `pnpm drills [name…] [--full] [--seed N] [--report FILE]`: each drill against real servers over
 * loopback, on SQLite and — when `DATABASE_URL` names one — on PostgreSQL. One line per figure
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
  options: { full: { type: 'boolean', default: false }, seed: { type: 'string' }, report: { type: 'string' } },
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

let passed = 0;
let failed = 0;
for (const drill of chosen) {
  for (const store of stores) {
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
    for (const failure of failures) console.log(`FAIL ${label}: ${failure}`);
    if (failures.length === 0) passed += 1;
    else failed += 1;
  }
}
console.log(`${passed} passed, ${failed} failed`);
if (values.report) writeFileSync(values.report, JSON.stringify({ passed, failed }));
process.exit(failed === 0 ? 0 : 1);
