/**
 * Keyset pagination cursors: an opaque base64url of the last row's (sort key, id). Clients must
 * treat them as opaque; the server rejects anything it did not make with `invalid_request`.
 */
import { invalidRequest } from './errors.ts';

export interface CursorPosition {
  /** The sort timestamp of the last row seen (ISO 8601, as stored). */
  at: string;
  id: string;
}

const TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const ID = /^[a-z]+_[0-9a-z]{1,64}$/;

export function encodeCursor(position: CursorPosition): string {
  return Buffer.from(JSON.stringify([position.at, position.id]), 'utf8').toString('base64url');
}

export function decodeCursor(cursor: string): CursorPosition {
  const malformed = () => invalidRequest('cursor is malformed: pass the next_cursor of a previous page unchanged', [{ path: 'cursor', message: 'malformed cursor' }]);
  if (!/^[A-Za-z0-9_-]+$/.test(cursor)) throw malformed();
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw malformed();
  }
  if (!Array.isArray(value) || value.length !== 2) throw malformed();
  const [at, id] = value as unknown[];
  if (typeof at !== 'string' || typeof id !== 'string' || !TIMESTAMP.test(at) || !ID.test(id)) throw malformed();
  if (Number.isNaN(Date.parse(at))) throw malformed();
  return { at, id };
}
