/**
 * The isolation drill on its own: `npx tsx packages/server/drills/isolation.run.ts [--full]`, on
 * SQLite and, when DATABASE_URL names PostgreSQL, there too. Exits 1 on any failure.
 */
import { isolation } from './isolation.ts';

const full = process.argv.includes('--full');
const databaseUrl = /^postgres(ql)?:\/\//.test(process.env.DATABASE_URL ?? '') ? process.env.DATABASE_URL : undefined;
let failed = 0;
for (const store of ['sqlite', ...(databaseUrl ? ['postgres' as const] : [])] as const) {
  const { failures } = await isolation.run({ full, store, ...(databaseUrl ? { databaseUrl } : {}), log: (figure, value) => console.log(`drill: isolation ${figure} ${value} (${store})`) });
  for (const failure of failures) console.log(`  ${store}: ${failure}`);
  if (failures.length > 0) failed += 1;
}
process.exitCode = failed > 0 ? 1 : 0;
