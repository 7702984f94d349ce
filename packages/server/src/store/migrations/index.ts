/** The in-code migration list, applied in key order on every open. Append; never rename or edit. */
import type { Migration, MigrationProvider } from 'kysely';
import * as m0001 from './0001_initial.ts';

export const migrations: Record<string, Migration> = {
  '0001_initial': m0001,
};

export const migrationProvider: MigrationProvider = {
  getMigrations: async () => migrations,
};
