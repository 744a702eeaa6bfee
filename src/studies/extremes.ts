// Study 2: does the encoder represent how extreme 2 m temperature is? Over a region (Europe), for
// several batch times: patch thresholds from the percentile grids, nested labels, PCA of every
// region vector, and one logistic-regression probe per percentile. Runs in the app's worker and in
// the CLI alike; the probes' tfjs backend must be initialised by the caller.
import type { Region } from '../encoder/runtime.ts';
import type { JobControl } from '../probes/job.ts';
import { DEFAULT_C } from '../probes/logreg.ts';
import { pca } from '../probes/pca.ts';
import type { PercentileField } from '../percentiles/percentile-field.ts';
import { patchThresholds } from '../percentiles/threshold.ts';
import { evaluateProbe, type ProbeEvaluation } from './evaluate.ts';
import { temperatureCelsius } from './patch-inputs.ts';
import { StudyInputError, type StudyProgress } from './progress.ts';
import { planFolds, type SplitChoice } from './split.ts';
import { levelFeatures, patchBoundsOf, patchCount, type StudyTime } from './study-time.ts';
import { exceedanceLabels, nestedTemperatureClasses, temperatureClassNames } from './temperature-classes.ts';

/** The study's region: the extent of the percentile files over Europe (longitudes either side of 0). */
export const EUROPE_REGION: Extract<Region, { kind: 'box' }> = { kind: 'box', south: 34, north: 72, west: -25, east: 45 };

/** Components of the study's scatter. */
const PCA_COMPONENTS = 2;

export interface ExtremesOptions {
  /** Latent level probed: 0 is the surface, 1.. the atmospheric latent levels. */
  level: number;
  split: SplitChoice;
  /** scikit-learn's C (default 1, as the study). */
  C?: number;
  signal?: AbortSignal;
  onProgress?: (progress: StudyProgress) => void;
}

/** The study's points: one per (time, patch with thresholds), time-major. */
export interface ExtremesRows {
  /** Index into `times`. */
  time: Int32Array;
  /** Index of the patch within its time's inputs. */
  patch: Int32Array;
  /** Global patch index. */
  patchIndex: Int32Array;
  centreLat: Float64Array;
  /** Longitudes in [0, 360), as the encoder gives them. */
  centreLon: Float64Array;
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
  fields.forEach((field, k) => {
    const positives = labelSets[k].reduce((sum, label) => sum + label, 0);
    if (positives === 0 || positives === time.length) {
      throw new StudyInputError(
        `every one of the ${time.length} points is ${positives === 0 ? 'below' : 'above'} p${field.percentile}: a probe needs both classes; add times with ${positives === 0 ? 'hotter' : 'cooler'} weather`,
      );
    }
  });
  const rows: ExtremesRows = {
    time: Int32Array.from(time),
    patch: Int32Array.from(patch),
    patchIndex: Int32Array.from(time, (t, r) => inputs[t].patches.indices[patch[r]]),
    centreLat: Float64Array.from(time, (t, r) => inputs[t].patches.centreLat[patch[r]]),
    centreLon: Float64Array.from(time, (t, r) => inputs[t].patches.centreLon[patch[r]]),
    temperatureC,
    temperatureClass: nestedTemperatureClasses(labelSets),
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
  const control = (stage: StudyProgress['stage'], from: number, to: number): JobControl => ({
    signal: options.signal,
    onProgress: (fraction, message) => options.onProgress?.({ stage, fraction: from + (to - from) * fraction, message }),
  });
  const classCounts = classNames.map(() => 0);
  const classCountsByTime = inputs.map(() => classNames.map(() => 0));
  rows.temperatureClass.forEach((c, r) => {
    classCounts[c]++;
    classCountsByTime[rows.time[r]][c]++;
  });

  const x = levelFeatures(inputs, options.level, rows.time, rows.patch);
  const projection = await pca(x, { components: Math.min(PCA_COMPONENTS, x.cols), control: control('pca', 0, 1) });

  const timeNames = inputs.map((input) => input.time.toISOString().slice(0, 16));
  const probes: PercentileProbe[] = [];
  for (const [k, field] of fields.entries()) {
    const labels = labelSets[k];
    const positives = labels.reduce((sum, label) => sum + label, 0);
    const folds = planFolds(options.split, { labels, lat: rows.centreLat, lon: rows.centreLon, time: rows.time, timeNames });
    const evaluation = await evaluateProbe(x, labels, folds, { C: options.C ?? DEFAULT_C, control: control('probe', k / fields.length, (k + 1) / fields.length) });
    probes.push({ percentile: field.percentile, thresholdC: thresholds[k], labels, positiveRate: positives / labels.length, ...evaluation });
  }
  return {
    times: inputs.map((input) => input.time),
    percentiles,
    level: options.level,
    split: options.split,
    rows,
    classNames,
    classCounts,
    classCountsByTime,
    patchesOutsidePercentiles,
    pca: { scores: projection.scores, components: projection.componentCount, explainedVarianceRatio: projection.explainedVarianceRatio },
    probes,
  };
}
