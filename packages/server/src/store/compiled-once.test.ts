import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { storeBackends, type TempStore } from '../testing/harness.ts';
import { compiledOnce } from './compiled-once.ts';

describe.each(storeBackends())('compiledOnce (%s)', (_name, openTemp) => {
  let temp: TempStore;
  beforeAll(async () => {
    temp = await openTemp();
    const business = (id: string, name: string, created_at: string) => ({
      id,
      name,
      created_at,
      allowed_origins: '[]',
      default_locale: 'en',
      brand_display_name: '',
      brand_primary_color: null,
      brand_logo_url: null,
      return_url: null,
    });
    await temp.store.db
      .insertInto('businesses')
      .values([business('biz_a', 'A', '2026-01-01T00:00:00.000Z'), business('biz_b', 'B', '2026-01-02T00:00:00.000Z')])
      .execute();
  });
  afterAll(async () => temp?.cleanup());

  it('binds each run’s values where the placeholders were, constants kept', async () => {
    const byIdOrName = compiledOnce<[string, string], { id: string }>(
      (db, id, name) =>
        db
          .selectFrom('businesses')
          .select('id')
          .where((eb) => eb.or([eb('id', '=', id!), eb('name', '=', name!)]))
          .where('created_at', '>', '2000-01-01')
          .orderBy('id'),
      2,
    );
    expect(await byIdOrName(temp.store.db, 'biz_a', 'nobody')).toEqual([{ id: 'biz_a' }]);
    expect(await byIdOrName(temp.store.db, 'biz_x', 'B')).toEqual([{ id: 'biz_b' }]);
    expect(await byIdOrName(temp.store.db, 'biz_a', 'B')).toEqual([{ id: 'biz_a' }, { id: 'biz_b' }]);
  });

  it('refuses a shape where a placeholder is not exactly one parameter', async () => {
    const twice = compiledOnce<[string], { id: string }>((db, id) => db.selectFrom('businesses').select('id').where('id', '=', id!).where('name', '!=', id!), 1);
    await expect(twice(temp.store.db, 'biz_a')).rejects.toThrow(/must be one parameter/);
    const unused = compiledOnce<[string], { id: string }>((db) => db.selectFrom('businesses').select('id'), 1);
    await expect(unused(temp.store.db, 'biz_a')).rejects.toThrow(/must be one parameter/);
  });
});
