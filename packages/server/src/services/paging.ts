import type { Page } from '@dodo-portal/wire/schemas';
import { decodeCursor, encodeCursor } from '../domain/cursor.ts';
import type { KeysetPage, KeysetPosition } from '../store/scope.ts';

export const positionFromCursor = (cursor: string | undefined): KeysetPosition | undefined => (cursor === undefined ? undefined : decodeCursor(cursor));

export const toPage = <T>(page: KeysetPage<T>): Page<T> => ({
  items: page.items,
  next_cursor: page.next ? encodeCursor(page.next) : null,
});
