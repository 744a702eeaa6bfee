// Study 1: does the encoder separate land from sea? One time, every encoded patch: land where the
// patch mean of the land-sea mask is >= 0.5, a logistic-regression probe on a split (the study's:
// test on longitudes 120..210 E), and the misclassified patches, most confident first, to look at.
import { convertLongitude } from '../data/geometry.ts';
import { LAND_FRACTION_THRESHOLD, thresholdLabels } from '../probes/labels.ts';
import { DEFAULT_C, predictLabels } from '../probes/logreg.ts';
import { evaluateProbe, type ProbeEvaluation } from './evaluate.ts';
import { StudyInputError, type StudyProgress } from './progress.ts';
import { planFolds, type SplitChoice } from './split.ts';
import { levelFeatures, patchCount, type StudyPatches, type StudyTime } from './study-time.ts';

export interface LandSeaOptions {
  level: number;
  split: SplitChoice;
  C?: number;
  signal?: AbortSignal;
  onProgress?: (progress: StudyProgress) => void;
}

export interface MisclassifiedPatch {
  /** Global patch index and its position in the inputs' patch list. */
  patchIndex: number;
  patch: number;
  centreLat: number;
  /** In [-180, 180), for reading; the encoder's [0, 360) value is centreLon360. */
  centreLon: number;
  centreLon360: number;
  landFraction: number;
  /** 1 land, 0 sea. */
  truth: number;
  /** Predicted probability of land. */
  probabilityLand: number;
  /** The probability of the (wrong) class predicted, 0.5..1. */
  confidence: number;
}

export interface LandSeaResult extends ProbeEvaluation {
  time: Date;
  level: number;
  split: SplitChoice;
  /** Land (1) or sea (0) per patch of the inputs. */
  labels: Uint8Array;
  landRate: number;
  /** Most confident first. */
  misclassified: MisclassifiedPatch[];
}

/** Land (1) where the patch mean of the land-sea mask is >= 0.5, else sea (0). */
export function landSeaPatchLabels(input: { landFraction: ArrayLike<number> }): Uint8Array {
  return thresholdLabels(input.landFraction, LAND_FRACTION_THRESHOLD, '>=').labels;
}

export async function runLandSeaStudy(input: StudyTime, options: LandSeaOptions): Promise<LandSeaResult> {
  const count = patchCount(input);
  if (count < 2) throw new StudyInputError(`the land-sea study needs many patches; ${count} were encoded`);
  const { centreLat, centreLon } = input.patches;
  const labels = landSeaPatchLabels(input);
  const patches = Int32Array.from({ length: count }, (_, p) => p);
  const x = levelFeatures([input], options.level, new Int32Array(count), patches);
  const folds = planFolds(options.split, { labels, lat: centreLat, lon: centreLon, time: new Int32Array(count), timeNames: [input.time.toISOString().slice(0, 16)] });
  const evaluation = await evaluateProbe(x, labels, folds, {
    C: options.C ?? DEFAULT_C,
    control: { signal: options.signal, onProgress: (fraction, message) => options.onProgress?.({ stage: 'probe', fraction, message }) },
  });
  return {
    time: input.time,
    level: options.level,
    split: options.split,
    labels,
    landRate: labels.reduce((sum, label) => sum + label, 0) / count,
    misclassified: misclassifiedPatches(input.patches, input.landFraction, labels, evaluation.testRows, evaluation.testProbabilities),
    ...evaluation,
  };
}

/**
 * The misclassified patches among the tested ones, most confident first: `testRows` are positions
 * in the patch list, `testProbabilities` each one's predicted probability of land.
 */
export function misclassifiedPatches(
  patches: Pick<StudyPatches, 'indices' | 'centreLat' | 'centreLon'>,
  landFraction: ArrayLike<number>,
  labels: ArrayLike<number>,
  testRows: ArrayLike<number>,
  testProbabilities: ArrayLike<number>,
): MisclassifiedPatch[] {
  const predicted = predictLabels(testProbabilities);
  const misclassified: MisclassifiedPatch[] = [];
  for (let i = 0; i < testRows.length; i++) {
    const p = testRows[i];
    if (predicted[i] === labels[p]) continue;
    const probabilityLand = testProbabilities[i];
    misclassified.push({
      patchIndex: patches.indices[p],
      patch: p,
      centreLat: patches.centreLat[p],
      centreLon: convertLongitude(patches.centreLon[p], '-180..180'),
      centreLon360: patches.centreLon[p],
      landFraction: landFraction[p],
      truth: labels[p],
      probabilityLand,
      confidence: Math.max(probabilityLand, 1 - probabilityLand),
    });
  }
  misclassified.sort((a, b) => b.confidence - a.confidence || a.patchIndex - b.patchIndex);
  return misclassified;
}
