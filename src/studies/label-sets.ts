// What studies 2 and 3 share once their rows are labelled: the rows' latents at one level, their PCA,
// one probe per label set (a percentile, a K-index threshold) on the study's split, and the rows per
// nested class overall and per time.
import type { JobControl } from '../probes/job.ts';
import { DEFAULT_C } from '../probes/logreg.ts';
import { pca } from '../probes/pca.ts';
import { evaluateProbe, type ProbeEvaluation } from './evaluate.ts';
import { StudyInputError, type StudyProgress } from './progress.ts';
import { planFolds, type SplitChoice } from './split.ts';
import { levelFeatures, type StudyTime } from './study-time.ts';

/** Components of the studies' scatter. */
const PCA_COMPONENTS = 2;

/** A study's points: one per (time, patch), time-major. */
export interface StudyRows {
  /** Index into the study's times. */
  time: Int32Array;
  /** Index of the patch within its time's patches. */
  patch: Int32Array;
  centreLat: Float64Array;
  /** Longitudes in [0, 360), as the encoder gives them. */
  centreLon: Float64Array;
}

export interface LabelSetOptions {
  /** Latent level probed: 0 is the surface, 1.. the atmospheric latent levels. */
  level: number;
  split: SplitChoice;
  /** scikit-learn's C (default 1, as the study). */
  C?: number;
  signal?: AbortSignal;
  onProgress?: (progress: StudyProgress) => void;
}

export interface LabelSetProbes {
  pca: { scores: Float32Array; components: number; explainedVarianceRatio: Float64Array };
  /** One per label set, in order. */
  probes: ProbeEvaluation[];
}

/** PCA of the rows' latents at the level, then one probe per label set on the split. */
export async function probeLabelSets(inputs: readonly StudyTime[], rows: StudyRows, labelSets: readonly Uint8Array[], options: LabelSetOptions): Promise<LabelSetProbes> {
  const control = (stage: StudyProgress['stage'], from: number, to: number): JobControl => ({
    signal: options.signal,
    onProgress: (fraction, message) => options.onProgress?.({ stage, fraction: from + (to - from) * fraction, message }),
  });
  const x = levelFeatures(inputs, options.level, rows.time, rows.patch);
  const projection = await pca(x, { components: Math.min(PCA_COMPONENTS, x.cols), control: control('pca', 0, 1) });
  const timeNames = inputs.map((input) => input.time.toISOString().slice(0, 16));
  const probes: ProbeEvaluation[] = [];
  for (const [k, labels] of labelSets.entries()) {
    const folds = planFolds(options.split, { labels, lat: rows.centreLat, lon: rows.centreLon, time: rows.time, timeNames });
    probes.push(await evaluateProbe(x, labels, folds, { C: options.C ?? DEFAULT_C, control: control('probe', k / labelSets.length, (k + 1) / labelSets.length) }));
  }
  return { pca: { scores: projection.scores, components: projection.componentCount, explainedVarianceRatio: projection.explainedVarianceRatio }, probes };
}

/** Rows per nested class, overall and per time: counts[class], byTime[time][class]. */
export function classCountsOf(classes: Uint8Array, time: Int32Array, classCount: number, timeCount: number): { counts: number[]; byTime: number[][] } {
  const counts = new Array<number>(classCount).fill(0);
  const byTime = Array.from({ length: timeCount }, () => new Array<number>(classCount).fill(0));
  classes.forEach((c, r) => {
    counts[c]++;
    byTime[time[r]][c]++;
  });
  return { counts, byTime };
}

/**
 * The class of each row for nested label sets (each implies the ones before): 0 with no label, k
 * when the k-th set is the last one labelling it.
 */
export function nestedClasses(labelSets: readonly ArrayLike<number>[]): Uint8Array {
  const n = labelSets[0]?.length ?? 0;
  if (labelSets.some((set) => set.length !== n)) throw new StudyInputError('every label set needs one label per point');
  return Uint8Array.from({ length: n }, (_, i) => {
    let highest = 0;
    labelSets.forEach((set, k) => {
      if (set[i]) highest = k + 1;
    });
    return highest;
  });
}

/** A probe needs both classes: names the label set that has one only, with what would give the other. */
export function checkBothClasses(labelSets: readonly Uint8Array[], names: readonly string[], remedy: (allPositive: boolean) => string): void {
  labelSets.forEach((labels, k) => {
    const positives = labels.reduce((sum, label) => sum + label, 0);
    if (positives === 0 || positives === labels.length) {
      throw new StudyInputError(`every one of the ${labels.length} points is ${positives === 0 ? 'below' : 'above'} ${names[k]}: a probe needs both classes; ${remedy(positives !== 0)}`);
    }
  });
}
