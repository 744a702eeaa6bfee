// Figures the benchmarks measure, in one shape, so that `npm run bench` can put every suite's
// results and targets into one table: each benchmark prints its own report and, when
// BENCH_SUMMARY_FILE is set (by bench/run-all.ts), appends its figures there as JSON lines.
import { appendFileSync } from 'node:fs';

export interface Target {
  /** The figure must stay at or below (`max`) or at or above (`min`) `limit`. */
  kind: 'max' | 'min';
  limit: number;
  /** Where the target comes from, e.g. 'issue 4'. */
  source: string;
}

export interface Figure {
  bench: string;
  /** What was measured and where, e.g. 'PCA 64,800 x 512, Chromium WASM (preview build)'. */
  name: string;
  value: number;
  unit: string;
  target?: Target;
}

export const SUMMARY_FILE_VARIABLE = 'BENCH_SUMMARY_FILE';

export function median(values: readonly number[]): number {
  if (values.length === 0) throw new RangeError('median of no values');
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 ? sorted[middle] : 0.5 * (sorted[middle - 1] + sorted[middle]);
}

/** value / limit for a 'max' target, limit / value for a 'min' one: <= 1 meets it either way. */
export function targetRatio(figure: Figure): number | undefined {
  const { target, value } = figure;
  if (!target) return undefined;
  return target.kind === 'max' ? value / target.limit : target.limit / value;
}

export function recordFigures(figures: readonly Figure[]): void {
  const file = process.env[SUMMARY_FILE_VARIABLE];
  if (!file || figures.length === 0) return;
  appendFileSync(file, figures.map((figure) => JSON.stringify(figure)).join('\n') + '\n');
}

export function formatFigureTable(figures: readonly Figure[]): string {
  const rows = figures.map((figure) => {
    const ratio = targetRatio(figure);
    const target = figure.target ? `${figure.target.kind === 'max' ? '<=' : '>='} ${figure.target.limit} ${figure.unit} (${figure.target.source})` : '';
    const verdict = ratio === undefined ? '' : `${ratio.toFixed(2)} ${ratio <= 1 ? 'met' : 'MISSED'}`;
    return [figure.bench, figure.name, `${formatValue(figure.value)} ${figure.unit}`, target, verdict];
  });
  const header = ['bench', 'figure', 'value', 'target', 'ratio to target'];
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => row[column].length)));
  const line = (cells: string[]) => cells.map((cell, column) => cell.padEnd(widths[column])).join('  ').trimEnd();
  return [line(header), line(widths.map((width) => '-'.repeat(width))), ...rows.map(line)].join('\n');
}

function formatValue(value: number): string {
  return Math.abs(value) >= 100 ? value.toFixed(0) : value.toFixed(2);
}
