import type { Compilable, CompiledQuery, Kysely } from 'kysely';
import type { Database } from './schema.ts';

/**
 * A read query that Kysely builds and compiles once per database and shape, then runs with new
 * values. Kysely builds an immutable operation tree and compiles it to SQL on every execution,
 * which cost about as much CPU as SQLite spent answering the portal's hot reads (issue 16's
 * profile); Kysely has no prepared-query API of its own. `build` gets one placeholder per value
 * (pass them where the values go, cast as needed); each placeholder must end up as exactly one
 * parameter, which is checked once, when the shape is first compiled.
 */
export function compiledOnce<Values extends readonly unknown[], Row>(
  build: (db: Kysely<Database>, ...placeholders: string[]) => Compilable<Row>,
  valueCount: Values['length'],
): (db: Kysely<Database>, ...values: Values) => Promise<Row[]> {
  const compiled = new WeakMap<Kysely<Database>, { query: CompiledQuery<Row>; slots: number[] }>();
  return async (db, ...values) => {
    let entry = compiled.get(db);
    if (!entry) {
      const placeholders = Array.from({ length: valueCount }, (_, index) => `\u0000compiled-once-${index}\u0000`);
      const query = build(db, ...placeholders).compile();
      const slots = placeholders.map((placeholder) => {
        const at = query.parameters.indexOf(placeholder);
        if (at < 0 || query.parameters.lastIndexOf(placeholder) !== at) throw new Error(`compiledOnce: placeholder ${placeholder.slice(1, -1)} must be one parameter of ${query.sql}`);
        return at;
      });
      entry = { query, slots };
      compiled.set(db, entry);
    }
    const parameters = [...entry.query.parameters];
    entry.slots.forEach((slot, index) => (parameters[slot] = values[index]));
    const result = await db.executeQuery<Row>({ ...entry.query, parameters });
    return result.rows;
  };
}
