// What a run produces for the views: one row per patch, plus the fit's summaries. Not in the URL:
// a permalink reproduces it by running again (from cached latents when the browser has them).
import type { BinaryMetrics } from '../probes/metrics.ts';
import type { SplitChoice } from '../studies/split.ts';
import type { StudyTime } from '../studies/study-time.ts';
import type { PatchTable } from './patch-table.ts';

export interface StageTimes {
  fetch: number | null;
  encode: number | null;
  pca: number | null;
  probe: number | null;
}

/** A feature set the views can show: the model's own, or a baseline's over the same patches. */
export interface ShownFeatures {
  /** 'model', 'raw' or the untrained encoder's name. */
  id: string;
  label: string;
}

export const MODEL_FEATURES: ShownFeatures = { id: 'model', label: 'Model latents' };

export interface ExplorerResult {
  /** Identifies the inputs (store, time, model, level); views reset their selection when it changes. */
  key: string;
  time: string;
  level: number;
  /** The model that encoded the latents (its id in models/); null when they were read from a latent store. */
  modelId: string | null;
  /** Where the latents came from, in words: the model and its ERA5 store, or the latent store's address. */
  sourceName: string;
  /** Whose features the PCA and the probe were fitted on: the model's, or a baseline's (Compare panel). */
  shownFeatures: ShownFeatures;
  table: PatchTable;
  /** Each point's patch centre, degrees (longitudes in [0, 360)), for distances and places. */
  centreLat: Float64Array;
  centreLon: Float64Array;
  /**
   * The time as its latent source gave it: the latents (for export), the land fraction and, with
   * ERA5, the inputs the inspector shows and the raw input patches of the Compare panel's raw baseline.
   */
  studyTime: StudyTime;
  /** Whether PCA and the probe weighted each patch by cos(latitude). */
  areaWeights: boolean;
  /** The split the probe was fitted and tested on. */
  split: SplitChoice;
  /** 1 for the points of the test set. */
  isTest: Uint8Array;
  trainCount: number;
  testCount: number;
  explainedVarianceRatio: Float64Array;
  metrics: BinaryMetrics;
  majorityBaselineAccuracy: number;
  probeIterations: number;
  probeConverged: boolean;
  encoderBackend: string;
  probeBackend: string;
  fallbackReason: string | null;
  /** Milliseconds per stage; null for a stage served from the cache. */
  times: StageTimes;
  /** Features key in the probes worker, for neighbour searches. */
  featuresKey: string;
}

/**
 * What the views draw while the probe is still being fitted: the PCA, the labels and the split of a run, in the
 * shape of its result (the probe's columns of `table` missing). The run's result replaces it when the fit ends.
 */
export type ExplorerPreview = Pick<ExplorerResult, 'key' | 'time' | 'level' | 'table' | 'split' | 'isTest' | 'trainCount' | 'testCount' | 'explainedVarianceRatio' | 'featuresKey'>;
