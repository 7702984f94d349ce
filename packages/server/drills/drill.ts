/**
 * What every drill is: a name and a run against real servers on one store. The runner
 * (`run.ts`) gives it the profile and a `log` for its figures; the drill answers with the
 * failures it saw (empty when every figure holds).
 */
export interface DrillOptions {
  /** The long profile (`pnpm drills --full`); the short one runs in `npm test`. */
  full: boolean;
  store: 'sqlite' | 'postgres';
  /** The PostgreSQL server when `store` is `postgres`; the drill makes (and drops) its own schema. */
  databaseUrl?: string;
  /** Seeds the drill's randomness; printed so a failing run can be replayed with `--seed`. */
  seed?: number;
  /** Prints `drill: <name> <figure> <value>`. */
  log: (figure: string, value: number | string) => void;
}

export interface Drill {
  name: string;
  /**
   * Its stores run one after the other even when the runner runs a drill's stores at once: what it
   * judges depends on timing that a second drill on the same cores would skew (the shutdown
   * drill's requests in the listen backlog must be accepted within the server's 2-s grace).
   */
  serialStores?: boolean;
  run(options: DrillOptions): Promise<{ failures: string[] }>;
}
