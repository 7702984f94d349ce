import type { Mode } from '@dodo-portal/wire/schemas';

/** Every merchant-data query is scoped to one business AND one mode: test data never meets live. */
export interface Scope {
  businessId: string;
  mode: Mode;
}

/** The (sort timestamp, id) of a row, for keyset pagination. */
export interface KeysetPosition {
  at: string;
  id: string;
}

export interface KeysetPage<T> {
  items: T[];
  /** The position of the last returned item when more rows follow, else null. */
  next: KeysetPosition | null;
}

export function parseJson<T>(text: string | null): T | null {
  return text === null ? null : (JSON.parse(text) as T);
}
