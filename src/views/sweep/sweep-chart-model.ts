// The geometry of a sweep's charts, pure, so that it is tested without a DOM: times across (on a true
// time scale, so uneven gaps show), a metric up, one line per latent level with its band of ± sd over
// seeds and folds, and the baselines the accuracy must beat as dashed lines.
import { cellMetric, levelName, type SweepMetric } from '../../studies/sweep-table.ts';
import type { SweepCell } from '../../studies/sweep.ts';

/** Latent levels' colours: the surface, then atmospheric levels 1..3 (distinct on the dark panel and in print). */
export const LEVEL_COLOURS = ['#58a6ff', '#f0883e', '#3fb950', '#d2a8ff'] as const;
export const MAJORITY_COLOUR = '#8b96a3';

export const levelColour = (level: number): string => LEVEL_COLOURS[level % LEVEL_COLOURS.length];

export interface ChartSize {
  width: number;
  height: number;
  pad: { left: number; right: number; top: number; bottom: number };
}

export interface ChartPoint {
  x: number;
  y: number;
  cell: SweepCell;
}

export interface LevelSeries {
  level: number;
  name: string;
  colour: string;
  /** The cells finished so far, in time order. */
  points: ChartPoint[];
  /** SVG path of value ± sd; null where no cell has a spread. */
  band: string | null;
  /** SVG path of the level's control-task accuracy (accuracy only); null without one. */
  control: string | null;
}

export interface Tick {
  at: number;
  /** Empty for a tick drawn without a label. */
  label: string;
}

export interface SweepChartModel {
  series: LevelSeries[];
  /** The majority class's accuracy over the times (accuracy only; the same at every level). */
  majority: string | null;
  /** A zero line (selectivity, norm change), when zero is in view. */
  zero: number | null;
  xTicks: Tick[];
  yTicks: Tick[];
  domain: readonly [number, number];
}

/** One time in short: 'MM-DD HH:MM' (UTC), the year when the times span several. */
export function shortTime(time: string, manyYears: boolean): string {
  return manyYears ? `${time.slice(0, 10)} ${time.slice(11, 16)}` : `${time.slice(5, 10)} ${time.slice(11, 16)}`;
}

export function sweepChartModel(cells: readonly SweepCell[], times: readonly string[], levels: readonly number[], metric: SweepMetric, size: ChartSize): SweepChartModel {
  const instants = times.map((time) => Date.parse(`${time}Z`));
  const first = Math.min(...instants);
  const last = Math.max(...instants);
  const innerWidth = size.width - size.pad.left - size.pad.right;
  const innerHeight = size.height - size.pad.top - size.pad.bottom;
  const x = (time: string) => size.pad.left + (last === first ? innerWidth / 2 : ((Date.parse(`${time}Z`) - first) / (last - first)) * innerWidth);
  const isAccuracy = metric === 'accuracy';

  const values: number[] = [];
  const byLevel = levels.map((level) => {
    const own = cells.filter((cell) => cell.level === level).sort((a, b) => Date.parse(`${a.time}Z`) - Date.parse(`${b.time}Z`));
    for (const cell of own) {
      const { value, sd } = cellMetric(cell, metric);
      if (Number.isFinite(value)) values.push(value - (sd ?? 0), value + (sd ?? 0));
      if (isAccuracy) values.push(cell.majority, ...(cell.control === null ? [] : [cell.control]));
    }
    return { level, cells: own };
  });
  // About one tick per 30 px of height, so that a small chart's labels do not crowd.
  const tickCount = Math.max(3, Math.min(6, Math.floor(innerHeight / 30)));
  const domain = niceDomain(values, metric, tickCount);
  const y = (value: number) => size.pad.top + (1 - (value - domain[0]) / (domain[1] - domain[0])) * innerHeight;
  const path = (points: Array<[number, number]>) => (points.length === 0 ? null : points.map(([px, py], k) => `${k === 0 ? 'M' : 'L'}${px.toFixed(1)},${py.toFixed(1)}`).join(''));

  const series: LevelSeries[] = byLevel.map(({ level, cells: own }) => {
    const finite = own.filter((cell) => Number.isFinite(cellMetric(cell, metric).value));
    const spread = finite.filter((cell) => (cellMetric(cell, metric).sd ?? 0) > 0);
    let band: string | null = null;
    if (spread.length > 0) {
      const upper = finite.map((cell): [number, number] => {
        const { value, sd } = cellMetric(cell, metric);
        return [x(cell.time), y(value + (sd ?? 0))];
      });
      const lower = finite.map((cell): [number, number] => {
        const { value, sd } = cellMetric(cell, metric);
        return [x(cell.time), y(value - (sd ?? 0))];
      });
      // A lone point's band is a short vertical bar, widened so that it shows.
      band = finite.length === 1 ? barPath(upper[0], lower[0]) : `${path([...upper, ...lower.reverse()])}Z`;
    }
    const controls = isAccuracy ? own.filter((cell) => cell.control !== null).map((cell): [number, number] => [x(cell.time), y(cell.control!)]) : [];
    return {
      level,
      name: levelName(level),
      colour: levelColour(level),
      points: finite.map((cell) => ({ x: x(cell.time), y: y(cellMetric(cell, metric).value), cell })),
      band,
      control: path(controls),
    };
  });

  // Majority depends on the labels and the split only: the same at every level of a time.
  const majorityAt = new Map<string, number>();
  for (const cell of cells) if (!majorityAt.has(cell.time)) majorityAt.set(cell.time, cell.majority);
  const majorityPoints = times.filter((time) => majorityAt.has(time)).map((time): [number, number] => [x(time), y(majorityAt.get(time)!)]);
  const manyYears = new Set(times.map((time) => time.slice(0, 4))).size > 1;
  // Every time gets a tick; a label only where it clears the last one (times 6 h apart crowd together).
  const labelWidth = manyYears ? 96 : 66;
  let lastLabelled = -Infinity;
  const xTicks = [...times]
    .sort((a, b) => Date.parse(`${a}Z`) - Date.parse(`${b}Z`))
    .map((time) => {
      const at = x(time);
      const labelled = at - lastLabelled >= labelWidth;
      if (labelled) lastLabelled = at;
      return { at, label: labelled ? shortTime(time, manyYears) : '' };
    });
  return {
    series,
    majority: isAccuracy ? path(majorityPoints) : null,
    zero: (metric === 'selectivity' || metric === 'meanNormChange') && domain[0] <= 0 && domain[1] >= 0 ? y(0) : null,
    xTicks,
    yTicks: ticks(domain, tickCount).map((value) => ({ at: y(value), label: formatTick(value, domain, tickCount, metric === 'meanNormChange') })),
    domain,
  };
}

function barPath(top: [number, number], bottom: [number, number]): string {
  const half = 3;
  return `M${(top[0] - half).toFixed(1)},${top[1].toFixed(1)}L${(top[0] + half).toFixed(1)},${top[1].toFixed(1)}L${(bottom[0] + half).toFixed(1)},${bottom[1].toFixed(1)}L${(bottom[0] - half).toFixed(1)},${bottom[1].toFixed(1)}Z`;
}

/** The y range: the values' with a margin, within [0, 1] for the scores and ratios, never empty. */
export function niceDomain(values: readonly number[], metric: SweepMetric, tickCount = 5): readonly [number, number] {
  const finite = values.filter(Number.isFinite);
  const bounded = metric !== 'selectivity' && metric !== 'meanNormChange';
  if (finite.length === 0) return bounded ? [0, 1] : [-0.1, 0.1];
  let low = Math.min(...finite);
  let high = Math.max(...finite);
  const margin = Math.max((high - low) * 0.1, 0.01);
  low -= margin;
  high += margin;
  if (bounded) {
    low = Math.max(0, low);
    high = Math.min(1, high);
  }
  const step = tickStep(high - low, tickCount);
  return [Math.floor(low / step) * step, Math.ceil(high / step) * step];
}

function tickStep(span: number, tickCount: number): number {
  const raw = span / tickCount;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const scaled = raw / magnitude;
  return (scaled >= 5 ? 5 : scaled >= 2 ? 2 : 1) * magnitude;
}

function ticks(domain: readonly [number, number], tickCount: number): number[] {
  const step = tickStep(domain[1] - domain[0], tickCount);
  const out: number[] = [];
  for (let value = domain[0]; value <= domain[1] + step / 2; value += step) out.push(Number(value.toFixed(10)));
  return out;
}

/** A tick's label to the step's precision; a change as a signed percentage. */
function formatTick(value: number, domain: readonly [number, number], tickCount: number, percent: boolean): string {
  const step = tickStep(domain[1] - domain[0], tickCount) * (percent ? 100 : 1);
  const decimals = Math.max(0, -Math.floor(Math.log10(step)));
  if (!percent) return value.toFixed(decimals);
  const shown = (100 * value).toFixed(decimals);
  return `${value > 0 ? '+' : ''}${shown} %`;
}
