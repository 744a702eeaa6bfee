// What the views of a study with label sets draw (study 2's percentiles, study 3's K thresholds): which
// rows a time filter shows, the rows' cells on the map, colours by nested class or by one probe's
// outcome at a decision threshold, and the precision/recall trade-off there. Pure, so it is tested
// without a browser.
import { convertLongitude, type PatchBounds } from '../../data/geometry.ts';
import { binaryMetrics, type BinaryMetrics } from '../../probes/metrics.ts';
import type { ProbeEvaluation } from '../../studies/evaluate.ts';
import type { StudyRows } from '../../studies/label-sets.ts';
import { MISSING_COLOUR, OUTCOME_SCHEME, type CategoricalLegend, type ClassScheme } from '../../views/colours.ts';

export type RowsColouring = 'class' | 'outcome';

/** A probe of one label set, as the views read it. */
export type LabelSetProbe = Pick<ProbeEvaluation, 'testRows' | 'testProbabilities'> & { labels: Uint8Array };

/** Cell bounds (south, north, west, east with longitudes in [0, 360)) and centres of every row, as the views take them. */
export function rowGeometry(result: { rows: StudyRows }, boundsOf: (time: number, patch: number) => PatchBounds): { cellBounds: Float32Array; cellCentres: Float32Array } {
  const count = result.rows.time.length;
  const cellBounds = new Float32Array(count * 4);
  const cellCentres = new Float32Array(count * 2);
  for (let r = 0; r < count; r++) {
    const bounds = boundsOf(result.rows.time[r], result.rows.patch[r]);
    cellBounds.set([bounds.south, bounds.north, convertLongitude(bounds.west, '0..360'), convertLongitude(bounds.east, '0..360')], r * 4);
    cellCentres[2 * r] = convertLongitude(result.rows.centreLon[r], '0..360');
    cellCentres[2 * r + 1] = result.rows.centreLat[r];
  }
  return { cellBounds, cellCentres };
}

/** Rows of one time (index into the result's times), or every row when `time` is null; ascending. */
export function rowsOfTime(result: { rows: Pick<StudyRows, 'time'> }, time: number | null): Uint32Array {
  const times = result.rows.time;
  if (time === null) return Uint32Array.from({ length: times.length }, (_, r) => r);
  const rows: number[] = [];
  for (let r = 0; r < times.length; r++) if (times[r] === time) rows.push(r);
  return Uint32Array.from(rows);
}

/** Picks `rows` of a per-row array with `stride` values per row. */
export function pickRows<T extends Float32Array | Uint8Array>(values: T, rows: Uint32Array, stride: number): T {
  const out = new (values.constructor as new (length: number) => T)(rows.length * stride);
  for (let i = 0; i < rows.length; i++) out.set(values.subarray(rows[i] * stride, (rows[i] + 1) * stride), i * stride);
  return out;
}

/** Each row's test probability of the probe's label; NaN for rows it trained on. */
export function testedProbabilities(probe: Pick<ProbeEvaluation, 'testRows' | 'testProbabilities'>, rowCount: number): Float32Array {
  const out = new Float32Array(rowCount).fill(Number.NaN);
  probe.testRows.forEach((row, k) => (out[row] = probe.testProbabilities[k]));
  return out;
}

/** The legend entry for rows the probe trained on: they have no honest prediction. */
export const UNTESTED_LABEL = 'training row (not tested)';

function fill(out: Uint8Array, index: number, colour: readonly number[]): void {
  out.set(colour, index * 4);
}

/** Colours of `rows` by nested class (`classes` per row), in the scheme's colours under the result's class names. */
export function classColours(classes: Uint8Array, names: readonly string[], scheme: ClassScheme, title: string, rows: Uint32Array): { colours: Uint8Array; legend: CategoricalLegend } {
  const colours = new Uint8Array(rows.length * 4);
  const counts = scheme.colours.map(() => 0);
  rows.forEach((row, i) => {
    const k = classes[row];
    fill(colours, i, scheme.colours[k] ?? MISSING_COLOUR);
    counts[k]++;
  });
  return { colours, legend: { kind: 'categorical', title, items: names.map((label, k) => ({ label, colour: scheme.colours[k] ?? MISSING_COLOUR, count: counts[k] ?? 0 })) } };
}

/**
 * Colours of `rows` by the probe's outcome at `threshold`: correct or wrong, positive or not; rows the
 * probe trained on are grey. `positive` names the label, e.g. 'above p99' or 'K > 35'.
 */
export function outcomeColours(probe: LabelSetProbe, tested: Float32Array, rows: Uint32Array, threshold: number, positive: string): { colours: Uint8Array; legend: CategoricalLegend } {
  const colours = new Uint8Array(rows.length * 4);
  const counts = [0, 0, 0, 0, 0];
  rows.forEach((row, i) => {
    const probability = tested[row];
    if (Number.isNaN(probability)) {
      fill(colours, i, MISSING_COLOUR);
      counts[4]++;
      return;
    }
    const actual = probe.labels[row] === 1;
    const predicted = probability >= threshold;
    const outcome = actual === predicted ? (actual ? 1 : 0) : predicted ? 2 : 3;
    fill(colours, i, OUTCOME_SCHEME.colours[outcome]);
    counts[outcome]++;
  });
  const items = OUTCOME_SCHEME.names.map((label, k) => ({ label, colour: OUTCOME_SCHEME.colours[k], count: counts[k] }));
  if (counts[4] > 0) items.push({ label: UNTESTED_LABEL, colour: MISSING_COLOUR, count: counts[4] });
  return { colours, legend: { kind: 'categorical', title: `Outcome, ${positive}, at threshold ${threshold.toFixed(2)}`, items } };
}

/** The probe's metrics on its pooled test rows when it calls the label from `threshold` on. */
export function tradeOffAt(probe: LabelSetProbe, threshold: number): BinaryMetrics {
  const truth = Uint8Array.from(probe.testRows, (row) => probe.labels[row]);
  const predicted = Uint8Array.from(probe.testProbabilities, (probability) => (probability >= threshold ? 1 : 0));
  return binaryMetrics(truth, predicted, probe.testProbabilities);
}
