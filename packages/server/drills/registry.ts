/** Every drill `pnpm drills` knows, in the order it runs them. */
import { concurrency } from './concurrency.ts';
import { crash } from './crash.ts';
import type { Drill } from './drill.ts';
import { fuzz } from './fuzz.ts';
import { isolation } from './isolation.ts';
import { load } from './load.ts';
import { restore } from './restore.ts';
import { shutdown } from './shutdown.ts';
import { storage } from './storage.ts';
import { webhookRestart } from './webhook-restart.ts';

export const drills: Drill[] = [fuzz, isolation, crash, concurrency, load, shutdown, webhookRestart, storage, restore];
