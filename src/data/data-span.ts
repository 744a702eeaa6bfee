// Where along its time axis a field holds data: real stores keep times without data (ARCO's axis
// starts in 1900, its data in 1940; a store may run ahead of its last update), and a missing chunk
// reads as NaN. Told from whether the chunks exist (a HEAD request or a stat each, no data read),
// assuming, as those stores are written, that the data form one run of times.
import type { Field } from './dataset.ts';

/** Store indices of the first and last times (along the field's time axis) whose chunks exist. */
export interface DataSpan {
  first: number;
  last: number;
}

/** Times probed across the axis before the search narrows down the run's two ends. */
const SAMPLES = 16;

const spans = new WeakMap<Field, Promise<DataSpan | undefined>>();

/**
 * The run of times whose chunks exist, or undefined when none of the probed times has data (for a
 * field without a time axis, its one time). About SAMPLES + 2 log2(times / SAMPLES) existence checks,
 * done once per field.
 */
export function findDataSpan(field: Field, signal?: AbortSignal): Promise<DataSpan | undefined> {
  const known = spans.get(field);
  if (known) return known;
  const found = search(field, signal);
  spans.set(field, found);
  // A failed or cancelled search is not remembered: the next caller tries again.
  found.catch(() => spans.delete(field));
  return found;
}

async function search(field: Field, signal: AbortSignal | undefined): Promise<DataSpan | undefined> {
  const count = field.times?.length ?? 1;
  const timeAxis = field.axes.time;
  const holds = (t: number) => field.source.holdsData(field.array, field.dims.map((_, d) => (d === timeAxis ? t : 0)), { signal });
  const probes = [...new Set(Array.from({ length: Math.min(SAMPLES, count) }, (_, k) => Math.round((k * (count - 1)) / Math.max(1, SAMPLES - 1))))];
  const present = await Promise.all(probes.map(holds));
  const firstProbe = present.indexOf(true);
  if (firstProbe < 0) return undefined;
  const lastProbe = present.lastIndexOf(true);
  // First index with data in (probes[firstProbe - 1], probes[firstProbe]]; last in [probes[lastProbe], probes[lastProbe + 1]).
  let low = firstProbe === 0 ? -1 : probes[firstProbe - 1];
  let high = probes[firstProbe];
  while (high - low > 1) {
    const middle = Math.floor((low + high) / 2);
    if (await holds(middle)) high = middle;
    else low = middle;
  }
  const first = high;
  low = probes[lastProbe];
  high = lastProbe === probes.length - 1 ? count : probes[lastProbe + 1];
  while (high - low > 1) {
    const middle = Math.floor((low + high) / 2);
    if (await holds(middle)) low = middle;
    else high = middle;
  }
  return { first, last: low };
}
