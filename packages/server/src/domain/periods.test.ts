import { describe, expect, it } from 'vitest';
import { addIntervals, addMonths, periodAt } from './periods.ts';

const utc = (iso: string) => new Date(iso);
const iso = (date: Date) => date.toISOString();

describe('addMonths', () => {
  it.each([
    ['2025-01-31T10:00:00.000Z', 1, '2025-02-28T10:00:00.000Z'],
    ['2024-01-31T10:00:00.000Z', 1, '2024-02-29T10:00:00.000Z'],
    ['2025-03-31T00:00:00.000Z', 1, '2025-04-30T00:00:00.000Z'],
    ['2025-01-15T23:59:59.999Z', 1, '2025-02-15T23:59:59.999Z'],
    ['2025-12-31T00:00:00.000Z', 2, '2026-02-28T00:00:00.000Z'],
    ['2025-11-30T00:00:00.000Z', 3, '2026-02-28T00:00:00.000Z'],
    ['2024-02-29T00:00:00.000Z', 12, '2025-02-28T00:00:00.000Z'],
    ['2025-05-31T00:00:00.000Z', 0, '2025-05-31T00:00:00.000Z'],
  ])('%s + %i months = %s', (start, months, expected) => {
    expect(iso(addMonths(utc(start), months))).toBe(expected);
  });

  it('refuses fractional months', () => {
    expect(() => addMonths(utc('2025-01-01T00:00:00Z'), 1.5)).toThrow(RangeError);
  });
});

describe('addIntervals', () => {
  it('adds days and weeks as exact UTC days, years as 12 months', () => {
    const start = utc('2025-03-01T12:00:00.000Z');
    expect(iso(addIntervals(start, 'day', 30))).toBe('2025-03-31T12:00:00.000Z');
    expect(iso(addIntervals(start, 'week', 2))).toBe('2025-03-15T12:00:00.000Z');
    expect(iso(addIntervals(utc('2024-02-29T00:00:00.000Z'), 'year', 1))).toBe('2025-02-28T00:00:00.000Z');
    expect(iso(addIntervals(utc('2024-02-29T00:00:00.000Z'), 'year', 4))).toBe('2028-02-29T00:00:00.000Z');
  });
});

describe('periodAt', () => {
  it('keeps a month-end anchor: Jan 31 → Feb 28 → Mar 31 → Apr 30', () => {
    const anchor = utc('2025-01-31T09:30:00.000Z');
    const ends = [0, 1, 2, 3].map((index) => iso(periodAt(anchor, 'month', 1, index).end));
    expect(ends).toEqual(['2025-02-28T09:30:00.000Z', '2025-03-31T09:30:00.000Z', '2025-04-30T09:30:00.000Z', '2025-05-31T09:30:00.000Z']);
  });

  it('makes consecutive periods touch, for every interval and count', () => {
    const anchor = utc('2024-01-31T00:00:00.000Z');
    for (const interval of ['day', 'week', 'month', 'year'] as const) {
      for (const count of [1, 3]) {
        for (let index = 0; index < 24; index += 1) {
          const current = periodAt(anchor, interval, count, index);
          const next = periodAt(anchor, interval, count, index + 1);
          expect(current.end.getTime()).toBe(next.start.getTime());
          expect(current.end.getTime()).toBeGreaterThan(current.start.getTime());
        }
      }
    }
  });

  it('bills quarterly with interval_count 3', () => {
    const period = periodAt(utc('2025-11-30T00:00:00.000Z'), 'month', 3, 1);
    expect(iso(period.start)).toBe('2026-02-28T00:00:00.000Z');
    expect(iso(period.end)).toBe('2026-05-30T00:00:00.000Z');
  });

  it('refuses bad counts and indexes', () => {
    const anchor = utc('2025-01-01T00:00:00.000Z');
    expect(() => periodAt(anchor, 'month', 0, 0)).toThrow(RangeError);
    expect(() => periodAt(anchor, 'month', 1, -1)).toThrow(RangeError);
  });
});
