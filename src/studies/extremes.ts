// Study 2: does the encoder represent how extreme 2 m temperature is? Over a region (Europe), for
// several batch times: patch thresholds from the percentile grids, nested labels, PCA of every
// region vector, and one logistic-regression probe per percentile. Runs in the app's worker and in
// the CLI alike; the probes' tfjs backend must be initialised by the caller.
import type { Region } from '../encoder/runtime.ts';
import type { PercentileField } from '../percentiles/percentile-field.ts';
import { patchThresholds } from '../percentiles/threshold.ts';
import type { ProbeEvaluation } from './evaluate.ts';
import { checkBothClasses, classCountsOf, nestedClasses, probeLabelSets, type LabelSetOptions, type StudyRows } from './label-sets.ts';
import { temperatureCelsius } from './patch-inputs.ts';
import { StudyInputError } from './progress.ts';
import type { SplitChoice } from './split.ts';
import { patchBoundsOf, patchCount, type StudyTime } from './study-time.ts';
import { exceedanceLabels, temperatureClassNames } from './temperature-classes.ts';

/** The study's region: the extent of the percentile files over Europe (longitudes either side of 0). */
export const EUROPE_REGION: Extract<Region, { kind: 'box' }> = { kind: 'box', south: 34, north: 72, west: -25, east: 45 };

export type ExtremesOptions = LabelSetOptions;

/** The study's points: one per (time, patch with thresholds), time-major. */
export interface ExtremesRows extends StudyRows {
  /** Global patch index. */
  patchIndex: Int32Array;
  temperatureC: Float64Array;
  /** Nested class, 0 .. percentiles.length (see classNames). */
  temperatureClass: Uint8Array;
}

export interface PercentileProbe extends ProbeEvaluation {
  percentile: number;
  /** Threshold per row (degrees C). */
  thresholdC: Float64Array;
  /** Exceedance label per row. */
  labels: Uint8Array;
  /** Positives over all rows. */
  positiveRate: number;
}

export interface ExtremesResult {
  times: Date[];
  percentiles: number[];
  level: number;
  split: SplitChoice;
  rows: ExtremesRows;
  classNames: string[];
  /** Rows per nested class. */
  classCounts: number[];
  /** Rows per nested class and time: classCountsByTime[time][class]. */
  classCountsByTime: number[][];
  /** Patch encodings left out because no percentile grid point lies within them, summed over times. */
  patchesOutsidePercentiles: number;
  pca: { scores: Float32Array; components: number; explainedVarianceRatio: Float64Array };
  probes: PercentileProbe[];
}

/** The study's rows and, per percentile (ascending), their thresholds and exceedance labels. */
export interface ExtremesLabels {
  /** The percentile fields, ascending. */
  fields: PercentileField[];
  rows: ExtremesRows;
  /** Per percentile: 1 where the row's temperature exceeds its threshold. */
  labelSets: Uint8Array[];
  /** Per percentile: each row's threshold, degrees C. */
  thresholds: Float64Array[];
  /** Patch encodings left out because no percentile grid point lies within them, summed over times. */
  patchesOutsidePercentiles: number;
}

/** Thresholds per time and patch; a patch counts when every percentile has a threshold there. */
export function extremesLabels(inputs: readonly StudyTime[], percentileFields: readonly PercentileField[]): ExtremesLabels {
  if (inputs.length === 0) throw new StudyInputError('no times: the study needs at least one encoded time');
  const fields = [...percentileFields].sort((a, b) => a.percentile - b.percentile);
  const time: number[] = [];
  const patch: number[] = [];
  const thresholds: number[][] = fields.map(() => []);
  let outside = 0;
  const temperatures = inputs.map((input) => temperatureCelsius(input.era5));
  inputs.forEach((input, t) => {
    const bounds = patchBoundsOf(input.patches);
    const perField = fields.map((field) => patchThresholds(field, bounds));
    for (let p = 0; p < patchCount(input); p++) {
      if (perField.some((values) => Number.isNaN(values[p])) || Number.isNaN(temperatures[t][p])) {
        outside++;
        continue;
      }
      time.push(t);
      patch.push(p);
      perField.forEach((values, k) => thresholds[k].push(values[p]));
    }
  });
  if (time.length === 0) throw new StudyInputError('no encoded patch lies within the percentile grids: check that the region and the percentile files cover the same area');

  const temperatureC = Float64Array.from(time, (t, r) => temperatures[t][patch[r]]);
  const labelSets = thresholds.map((values) => exceedanceLabels(temperatureC, values).labels);
  // Every percentile is probed: each needs both classes.
  checkBothClasses(
    labelSets,
    fields.map((field) => `p${field.percentile}`),
    (allPositive) => `add times with ${allPositive ? 'cooler' : 'hotter'} weather`,
  );
  const rows: ExtremesRows = {
    time: Int32Array.from(time),
    patch: Int32Array.from(patch),
    patchIndex: Int32Array.from(time, (t, r) => inputs[t].patches.indices[patch[r]]),
    centreLat: Float64Array.from(time, (t, r) => inputs[t].patches.centreLat[patch[r]]),
    centreLon: Float64Array.from(time, (t, r) => inputs[t].patches.centreLon[patch[r]]),
    temperatureC,
    temperatureClass: nestedClasses(labelSets),
  };
  return { fields, rows, labelSets, thresholds: thresholds.map((values) => Float64Array.from(values)), patchesOutsidePercentiles: outside };
}

export async function runExtremesStudy(
  inputs: readonly StudyTime[],
  percentileFields: readonly PercentileField[],
  options: ExtremesOptions,
): Promise<ExtremesResult> {
  const { fields, rows, labelSets, thresholds, patchesOutsidePercentiles } = extremesLabels(inputs, percentileFields);
  const percentiles = fields.map((field) => field.percentile);
  const classNames = temperatureClassNames(percentiles);
  const classes = classCountsOf(rows.temperatureClass, rows.time, classNames.length, inputs.length);
  const fitted = await probeLabelSets(inputs, rows, labelSets, options);
  const probes = fields.map((field, k): PercentileProbe => {
    const labels = labelSets[k];
    const positives = labels.reduce((sum, label) => sum + label, 0);
    return { percentile: field.percentile, thresholdC: thresholds[k], labels, positiveRate: positives / labels.length, ...fitted.probes[k] };
  });
  return {
    times: inputs.map((input) => input.time),
    percentiles,
    level: options.level,
    split: options.split,
    rows,
    classNames,
    classCounts: classes.counts,
    classCountsByTime: classes.byTime,
    patchesOutsidePercentiles,
    pca: fitted.pca,
    probes,
  };
}
