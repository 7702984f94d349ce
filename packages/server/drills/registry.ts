/** Every drill `pnpm drills` knows, in the order it runs them. */
import type { Drill } from './drill.ts';
import { concurrency } from './concurrency.ts';
import { fuzz } from './fuzz.ts';
import { isolation } from './isolation.ts';
import { load } from './load.ts';
import { shutdown } from './shutdown.ts';

export const drills: Drill[] = [fuzz, isolation, concurrency, load, shutdown];
