/**
 * The bench's figures and their two public forms: one `bench: <name> <value> <unit>` line each on
 * stdout, and the same figures as JSON in bench-results.json. Names and units are a contract (CI
 * and docs/performance.md read them): add figures, never rename one.
 */

export interface Figure {
  name: string;
  value: number;
  unit: string;
}

/** Nearest-rank percentile of ascending `sorted` (p in 0–100); NaN when empty. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))]!;
}

/** Percentile of unsorted samples. */
export const percentileOf = (samples: readonly number[], p: number) =>
  percentile(
    [...samples].sort((a, b) => a - b),
    p,
  );

/** Rounds for print: integers as they are, smaller figures to three significant decimals at most. */
export function roundFigure(value: number): number {
  if (!Number.isFinite(value)) return value;
  if (Math.abs(value) >= 100) return Math.round(value * 10) / 10;
  return Math.round(value * 1000) / 1000;
}

/** `bench: invoices_page_rps 1234.5 req/s`; a figure that could not be measured prints `NaN`. */
export function formatFigure(figure: Figure): string {
  if (!/^[a-z][a-z0-9_]*$/.test(figure.name)) throw new Error(`bench figure names are snake_case: "${figure.name}"`);
  if (!/^\S+$/.test(figure.unit)) throw new Error(`bench units are one word: "${figure.unit}"`);
  return `bench: ${figure.name} ${roundFigure(figure.value)} ${figure.unit}`;
}

/** bench-results.json: `{ figures: { name: { value, unit } }, … }`, NaN as null (JSON has no NaN). */
export function resultsJson(figures: readonly Figure[], meta: Record<string, unknown>): string {
  const byName: Record<string, { value: number | null; unit: string }> = {};
  for (const figure of figures) byName[figure.name] = { value: Number.isFinite(figure.value) ? roundFigure(figure.value) : null, unit: figure.unit };
  return `${JSON.stringify({ ...meta, figures: byName }, null, 2)}\n`;
}
