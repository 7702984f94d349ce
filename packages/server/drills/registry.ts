/** Every drill `pnpm drills` knows, in the order it runs them. */
import type { Drill } from './drill.ts';
import { crash } from './crash.ts';
import { fuzz } from './fuzz.ts';
import { isolation } from './isolation.ts';

export const drills: Drill[] = [fuzz, isolation, crash];
