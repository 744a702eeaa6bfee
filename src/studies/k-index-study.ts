// Study 3: does the encoder represent atmospheric instability? For one or more times, every patch is
// labelled unstable at each K-index threshold (the study's 20 and 35 degrees C: at least half of the
// patch's grid points above it, k-index.ts), the rows' latents at the first atmospheric latent level
// (the study's level 0, our 1) are projected by PCA, and one logistic-regression probe per threshold
// is fitted on the study's stratified 80/20 split. Runs in the app's worker and in the CLI alike.
import type { HumiditySource, KIndexPatches } from './k-index.ts';
import { K_INDEX_THRESHOLDS, kIndexPatchLabels } from './k-index.ts';
import type { ProbeEvaluation } from './evaluate.ts';
import { checkBothClasses, classCountsOf, nestedClasses, probeLabelSets, type LabelSetOptions, type StudyRows } from './label-sets.ts';
import { StudyInputError } from './progress.ts';
import type { SplitChoice } from './split.ts';
import { patchCount, type StudyTime } from './study-time.ts';


export interface KIndexOptions extends LabelSetOptions {
  /** K thresholds, degrees C, increasing (default the study's 20 and 35). */
  thresholds?: readonly number[];
}

/** The study's points: every patch of every time, time-major. */
export interface KIndexRows extends StudyRows {
  /** Global patch index. */
  patchIndex: Int32Array;
  /** The K that half of the patch's points exceed (its label at x is halfExceededK > x), degrees C. */
  halfExceededK: Float64Array;
  /** The mean K of the patch's points, degrees C. */
  meanK: Float64Array;
  /** Nested class: 0 at no threshold, k above the k-th lowest (see classNames). */
  instabilityClass: Uint8Array;
}

export interface ThresholdProbe extends ProbeEvaluation {
  /** Degrees C. */
  threshold: number;
  labels: Uint8Array;
  /** Positives over all rows. */
  positiveRate: number;
}

export interface KIndexResult {
  times: Date[];
  thresholds: number[];
  level: number;
  split: SplitChoice;
  /** Where each time's relative humidity came from. */
  humiditySources: HumiditySource[];
  rows: KIndexRows;
  classNames: string[];
  /** Rows per nested class, overall and per time (classCountsByTime[time][class]). */
  classCounts: number[];
  classCountsByTime: number[][];
  pca: { scores: Float32Array; components: number; explainedVarianceRatio: Float64Array };
  probes: ThresholdProbe[];
}

/** A study time's K-index, or the error that says what the study needs. */
export function kIndexOf(time: StudyTime): KIndexPatches {
  const kIndex = time.era5?.kIndex;
  if (kIndex) return kIndex;
  throw new StudyInputError(
    time.era5
      ? `the K-index of ${time.time.toISOString().slice(0, 16)} was not computed: read the time again for study 3`
      : 'the K-index study needs temperature and humidity at 500, 700 and 850 hPa: give an ERA5 store beside the latents',
  );
}

/** Each patch of a time labelled unstable (1) at a threshold: what a sweep over times and levels takes. */
export function kIndexTimeLabels(time: StudyTime, thresholdC: number): Uint8Array {
  return kIndexPatchLabels(kIndexOf(time).halfExceededK, thresholdC);
}

/** Class names for increasing thresholds, e.g. [20, 35] -> K <= 20, K > 20, K > 35. */
export function kIndexClassNames(thresholds: readonly number[]): string[] {
  checkIncreasing(thresholds);
  return [`K <= ${thresholds[0]}`, ...thresholds.map((threshold) => `K > ${threshold}`)];
}

/** The study's rows (every patch of every time) and one label set per threshold. */
export function kIndexLabels(inputs: readonly StudyTime[], thresholds: readonly number[] = K_INDEX_THRESHOLDS): { rows: KIndexRows; labelSets: Uint8Array[] } {
  if (inputs.length === 0) throw new StudyInputError('no times: the K-index study needs at least one encoded time');
  checkIncreasing(thresholds);
  const perTime = inputs.map(kIndexOf);
  const counts = inputs.map(patchCount);
  const total = counts.reduce((sum, count) => sum + count, 0);
  const time = new Int32Array(total);
  const patch = new Int32Array(total);
  let r = 0;
  counts.forEach((count, t) => {
    for (let p = 0; p < count; p++, r++) {
      time[r] = t;
      patch[r] = p;
    }
  });
  const of = <T extends Float64Array | Int32Array>(values: (input: StudyTime, t: number) => T, make: (length: number) => T): T => {
    const out = make(total);
    for (let row = 0; row < total; row++) out[row] = values(inputs[time[row]], time[row])[patch[row]];
    return out;
  };
  const halfExceededK = of((_, t) => perTime[t].halfExceededK, (n) => new Float64Array(n));
  const labelSets = thresholds.map((threshold) => kIndexPatchLabels(halfExceededK, threshold));
  checkBothClasses(
    labelSets,
    thresholds.map((threshold) => `K ${threshold} degrees C`),
    (allPositive) => `add times or a region with ${allPositive ? 'more stable' : 'more unstable (warm, moist)'} air, or choose another threshold`,
  );
  const rows: KIndexRows = {
    time,
    patch,
    patchIndex: of((input) => input.patches.indices, (n) => new Int32Array(n)),
    centreLat: of((input) => input.patches.centreLat, (n) => new Float64Array(n)),
    centreLon: of((input) => input.patches.centreLon, (n) => new Float64Array(n)),
    halfExceededK,
    meanK: of((_, t) => perTime[t].meanK, (n) => new Float64Array(n)),
    instabilityClass: nestedClasses(labelSets),
  };
  return { rows, labelSets };
}

export async function runKIndexStudy(inputs: readonly StudyTime[], options: KIndexOptions): Promise<KIndexResult> {
  const thresholds = [...(options.thresholds ?? K_INDEX_THRESHOLDS)];
  const { rows, labelSets } = kIndexLabels(inputs, thresholds);
  const classNames = kIndexClassNames(thresholds);
  const classes = classCountsOf(rows.instabilityClass, rows.time, classNames.length, inputs.length);
  const fitted = await probeLabelSets(inputs, rows, labelSets, options);
  return {
    times: inputs.map((input) => input.time),
    thresholds,
    level: options.level,
    split: options.split,
    humiditySources: inputs.map((input) => kIndexOf(input).humiditySource),
    rows,
    classNames,
    classCounts: classes.counts,
    classCountsByTime: classes.byTime,
    pca: fitted.pca,
    probes: thresholds.map((threshold, k) => {
      const labels = labelSets[k];
      const positives = labels.reduce((sum, label) => sum + label, 0);
      return { threshold, labels, positiveRate: positives / labels.length, ...fitted.probes[k] };
    }),
  };
}

function checkIncreasing(thresholds: readonly number[]): void {
  if (thresholds.length === 0) throw new StudyInputError('no K thresholds: give at least one (the study: 20 and 35)');
  if (thresholds.some((threshold) => !Number.isFinite(threshold))) throw new StudyInputError(`K thresholds must be numbers, got ${thresholds.join(', ')}`);
  for (let k = 1; k < thresholds.length; k++) {
    if (!(thresholds[k] > thresholds[k - 1])) throw new StudyInputError(`K thresholds must increase: ${thresholds.join(', ')}`);
  }
}
