/** Every drill `pnpm drills` knows, in the order it runs them. */
import type { Drill } from './drill.ts';
import { fuzz } from './fuzz.ts';
import { isolation } from './isolation.ts';
import { storage } from './storage.ts';

export const drills: Drill[] = [fuzz, isolation, storage];
