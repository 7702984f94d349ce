import { describe, expect, it } from 'vitest';
import { formatFigure, percentile, percentileOf, resultsJson, roundFigure } from './figures.ts';

describe('bench figures', () => {
  it('takes nearest-rank percentiles', () => {
    const hundred = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(percentile(hundred, 50)).toBe(50);
    expect(percentile(hundred, 99)).toBe(99);
    expect(percentile(hundred, 100)).toBe(100);
    expect(percentile([7], 99)).toBe(7);
    expect(percentile([1, 2, 3], 0)).toBe(1);
    expect(percentileOf([30, 10, 20], 50)).toBe(20);
    expect(percentile([], 50)).toBeNaN();
  });

  it('prints one line per figure in the public form', () => {
    expect(formatFigure({ name: 'invoices_page_rps', value: 1234.5678, unit: 'req/s' })).toBe('bench: invoices_page_rps 1234.6 req/s');
    expect(formatFigure({ name: 'invoices_page_p99_ms', value: 4.12345, unit: 'ms' })).toBe('bench: invoices_page_p99_ms 4.123 ms');
    expect(formatFigure({ name: 'webhook_latency_p99_ms', value: Number.NaN, unit: 'ms' })).toBe('bench: webhook_latency_p99_ms NaN ms');
    expect(() => formatFigure({ name: 'Invoices Page', value: 1, unit: 'ms' })).toThrow(/snake_case/);
    expect(() => formatFigure({ name: 'x', value: 1, unit: 'req per s' })).toThrow(/one word/);
    expect(roundFigure(0.61234)).toBe(0.612);
  });

  it('writes the same figures as JSON, unmeasured ones as null', () => {
    const json = JSON.parse(
      resultsJson(
        [
          { name: 'rss_mb', value: 120.06, unit: 'MB' },
          { name: 'first_row_ms', value: Number.NaN, unit: 'ms' },
        ],
        { store: 'sqlite' },
      ),
    );
    expect(json).toEqual({ store: 'sqlite', figures: { rss_mb: { value: 120.1, unit: 'MB' }, first_row_ms: { value: null, unit: 'ms' } } });
  });
});
