/**
 * Billing periods. Every boundary is computed from the subscription's anchor (its first period
 * start), never chained from the previous boundary: Jan 31 + 1 month is Feb 28 (29 in a leap
 * year), and the period after that ends on Mar 31, not Mar 28. All arithmetic is in UTC.
 */
export type Interval = 'day' | 'week' | 'month' | 'year';

const DAY_MS = 86_400_000;

const daysInMonth = (year: number, monthIndex: number): number => new Date(Date.UTC(year, monthIndex + 1, 0)).getUTCDate();

/** `date` plus `months` calendar months, clamped to the last day of a shorter month. */
export function addMonths(date: Date, months: number): Date {
  if (!Number.isSafeInteger(months)) throw new RangeError(`months must be an integer, got ${months}`);
  const total = date.getUTCFullYear() * 12 + date.getUTCMonth() + months;
  const year = Math.floor(total / 12);
  const monthIndex = total - year * 12;
  const day = Math.min(date.getUTCDate(), daysInMonth(year, monthIndex));
  return new Date(Date.UTC(year, monthIndex, day, date.getUTCHours(), date.getUTCMinutes(), date.getUTCSeconds(), date.getUTCMilliseconds()));
}

/** `anchor` advanced by `count` intervals (count may be 0). */
export function addIntervals(anchor: Date, interval: Interval, count: number): Date {
  if (!Number.isSafeInteger(count) || count < 0) throw new RangeError(`count must be a non-negative integer, got ${count}`);
  switch (interval) {
    case 'day':
      return new Date(anchor.getTime() + count * DAY_MS);
    case 'week':
      return new Date(anchor.getTime() + count * 7 * DAY_MS);
    case 'month':
      return addMonths(anchor, count);
    case 'year':
      return addMonths(anchor, count * 12);
  }
}

export interface Period {
  start: Date;
  end: Date;
}

/**
 * The `index`-th period (0 = the first) of a plan billed every `intervalCount` `interval`s from
 * `anchor`. Consecutive periods touch: one's end is the next one's start.
 */
export function periodAt(anchor: Date, interval: Interval, intervalCount: number, index: number): Period {
  if (!Number.isSafeInteger(intervalCount) || intervalCount < 1) throw new RangeError(`interval count must be a positive integer, got ${intervalCount}`);
  if (!Number.isSafeInteger(index) || index < 0) throw new RangeError(`period index must be a non-negative integer, got ${index}`);
  return {
    start: addIntervals(anchor, interval, index * intervalCount),
    end: addIntervals(anchor, interval, (index + 1) * intervalCount),
  };
}
