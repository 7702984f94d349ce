import { describe, expect, it } from 'vitest';
import { storeOptionsFromEnv } from './index.ts';

describe('storeOptionsFromEnv', () => {
  it('takes --db first, then a postgres DATABASE_URL, then DODO_PORTAL_DB', () => {
    expect(storeOptionsFromEnv({ DATABASE_URL: 'postgres://h/db' }, 'x.db')).to.deep.equal({ file: 'x.db' });
    expect(storeOptionsFromEnv({ DATABASE_URL: 'postgresql://h/db', DODO_PORTAL_DB: 'y.db' })).to.deep.equal({ databaseUrl: 'postgresql://h/db' });
    expect(storeOptionsFromEnv({ DODO_PORTAL_DB: 'y.db' })).to.deep.equal({ file: 'y.db' });
  });

  it('refuses a DATABASE_URL that is not PostgreSQL instead of quietly using SQLite, without echoing its password', () => {
    expect(() => storeOptionsFromEnv({ DATABASE_URL: 'mysql://root:hunter2@h/db' })).toThrow(/must be a postgres:\/\/ or postgresql:\/\/ URL/);
    expect(() => storeOptionsFromEnv({ DATABASE_URL: 'mysql://root:hunter2@h/db' })).not.toThrow(/hunter2/);
  });
});
