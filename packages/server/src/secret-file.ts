/**
 * Where the CLI takes the server secret (`DODO_PORTAL_SECRET`) from. Set in the environment, it is
 * used as given. Otherwise, with a SQLite file, one is generated the first time into
 * `dodo-portal.secret` beside the database (mode 0600) and read back on every later start, so
 * `npm start`, `seed --demo` and `serve` agree without any setup. Keep that file with the
 * database's backups but not in them: the two together reveal the license keys and webhook signing secrets, either alone does
 * not. PostgreSQL has no data folder of ours, so there the variable is required.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { cryptoRandom } from './domain/ports.ts';
import { createSecretBox, generateServerSecret, ServerSecretError } from './domain/secret-box.ts';
import { DEFAULT_DB_FILE, type StoreOptions } from './store/index.ts';

export const SECRET_FILE_NAME = 'dodo-portal.secret';

export interface ServerSecret {
  secret: string;
  /** For the start-up banner: where it came from (never the secret itself). */
  source: string;
}

export function resolveServerSecret(env: NodeJS.ProcessEnv, storeOptions: StoreOptions): ServerSecret {
  const fromEnv = env.DODO_PORTAL_SECRET?.trim();
  if (fromEnv) {
    createSecretBox(fromEnv); // refuses a short one now rather than at the first purchase
    return { secret: fromEnv, source: 'DODO_PORTAL_SECRET' };
  }
  if (storeOptions.databaseUrl) {
    throw new ServerSecretError(
      'Set DODO_PORTAL_SECRET (at least 32 characters, e.g. `openssl rand -base64 32`): license keys and webhook signing secrets are encrypted under it, and with PostgreSQL there is no data folder to keep a generated one in.',
    );
  }
  const path = join(dirname(resolve(storeOptions.file ?? DEFAULT_DB_FILE)), SECRET_FILE_NAME);
  if (!existsSync(path)) {
    mkdirSync(dirname(path), { recursive: true });
    try {
      // `wx`: never overwrite one another process wrote in between (that one wins; read it below).
      writeFileSync(path, `${generateServerSecret(cryptoRandom)}\n`, { mode: 0o600, flag: 'wx' });
      return { secret: readSecretFile(path), source: `${path} (generated)` };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }
  return { secret: readSecretFile(path), source: path };
}

function readSecretFile(path: string): string {
  const secret = readFileSync(path, 'utf8').trim();
  try {
    createSecretBox(secret);
  } catch (error) {
    throw new ServerSecretError(`${path}: ${error instanceof Error ? error.message : String(error)}`);
  }
  return secret;
}
