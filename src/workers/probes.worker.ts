// The probes' Web Worker: PCA, probes and the studies off the main thread, through Comlink. Thin: it
// keeps what it was given under keys (so that redoing a PCA on every brush or date change moves only
// indices and results, never the features again) and calls functions of src/probes and src/studies.
import * as Comlink from 'comlink';
import { initProbeBackend, TFJS_WASM_URL_PATH, type ProbeBackendInfo } from '../probes/backend.ts';
import { ProbeInputError, type JobControl } from '../probes/job.ts';
import { featureMatrix, type FeatureMatrix } from '../probes/matrix.ts';
import { nearestNeighbours, type Neighbours } from '../probes/neighbours.ts';
import { pca, type PcaResult } from '../probes/pca.ts';
import { fitSplitProbe, type SplitProbe } from '../probes/split-probe.ts';
import type { Split } from '../probes/splits.ts';
import type { PercentileField } from '../percentiles/percentile-field.ts';
import type { ProbeCard } from '../studies/compare-card.ts';
import { compareExtremes, compareKIndex, compareLandSea, type ComparisonInputs, type ComparisonSettings } from '../studies/compare-studies.ts';
import { runExtremesStudy, type ExtremesResult } from '../studies/extremes.ts';
import { runKIndexStudy, type KIndexResult } from '../studies/k-index-study.ts';
import type { StudyProgress } from '../studies/progress.ts';
import type { SplitChoice } from '../studies/split.ts';
import { runSweep, type SkippedCell, type SweepPlan, type SweepProgress, type SweepResult } from '../studies/sweep-run.ts';
import type { CellFit, SweepCell, SweepCellInput } from '../studies/sweep.ts';
import { levelMatrix, type StudyTime } from '../studies/study-time.ts';
import { AnalogueIndex, type AnalogueMetric, type AnalogueMode, type AnalogueResult } from '../probes/analogues.ts';
import { compareLevels, compareTimes, studyTimeRepresentation, type SimilarityMatrix } from '../studies/similarity.ts';
import { installWorkerErrorTransfer } from '../platform/worker-errors.ts';
import { workerJobs } from './worker-jobs.ts';

export type ProgressCallback = (fraction: number, stage: string) => void;
export type StudyProgressCallback = (progress: StudyProgress) => void;

export interface PcaRequest {
  /** A key given to loadFeatures or loadStudyTime. */
  features: string;
  components: number;
  weights?: Float32Array | Float64Array;
  fitRows?: Uint32Array;
}

export interface ProbeRequest {
  features: string;
  /** 0/1 per row of the features. */
  labels: Uint8Array;
  split: Split;
  C?: number;
  /** One weight per row of the features (e.g. cos-latitude); the fit uses the training rows'. */
  rowWeights?: Float64Array;
}

export interface ExtremesRequest {
  inputs: StudyTime[];
  fields: PercentileField[];
  level: number;
  split: SplitChoice;
}

/** Study 3: times of one latent level with their K-index, the thresholds and the split. */
export interface KIndexRequest {
  inputs: StudyTime[];
  level: number;
  thresholds: number[];
  split: SplitChoice;
}

/** A comparison's fitting settings, as they cross to the worker (no signal, no callback). */
export type ComparisonRequestSettings = Omit<ComparisonSettings, 'signal' | 'onProgress'>;

/** Study 1's comparison; a time may be the key of one loaded here (the run on screen). */
export interface LandSeaCompareRequest {
  inputs: ComparisonInputs<StudyTime | string>;
  settings: ComparisonRequestSettings;
}

/** Study 2's comparison: the run's times encoded by the model and each untrained encoder, its raw inputs and thresholds. */
export interface ExtremesCompareRequest {
  inputs: ComparisonInputs;
  fields: PercentileField[];
  settings: ComparisonRequestSettings;
}

/** A sweep (studies/sweep-run.ts) whose cells the page reads (from its cache or the encoder) and is told of as they finish. */
export interface SweepRequest {
  times: string[];
  plan: SweepPlan;
}

/** The page's side of a sweep, called from here (Comlink proxies): the source's reads, the cache and the news. */
export interface SweepCallbacks {
  read(timeIndex: number, level: number): Promise<SweepCellInput>;
  cached(time: string, level: number): Promise<CellFit | undefined>;
  onCell(cell: SweepCell, fit: CellFit): void;
  onSkipped(skipped: SkippedCell): void;
  onProgress(progress: SweepProgress): void;
}

/** Study 3's comparison: the run's times read by the model and each untrained encoder, its raw inputs and thresholds. */
export interface KIndexCompareRequest {
  inputs: ComparisonInputs;
  thresholds: number[];
  settings: ComparisonRequestSettings;
}

/** Two sources' latents at one time (e.g. a model and its untrained control), compared level by level with linear CKA. */
export interface SimilarityRequest {
  a: { name: string; time: StudyTime };
  b: { name: string; time: StudyTime };
  /** The latent levels of each side to compare, every one of a's against every one of b's. */
  levels: { a: number[]; b: number[] };
  /** Seed of the column shuffles behind the noise floor. */
  seed?: number;
}

/** One source's latents at several times, compared time against time at one level with linear CKA. */
export interface TimesSimilarityRequest {
  name: string;
  /** Each holds the level (it may hold only that one); the patches all the times have are compared. */
  times: StudyTime[];
  level: number;
  /** Seed of the column shuffles behind the noise floor. */
  seed?: number;
}

/** An analogue search over the features loaded under a key: the query is some of its rows. */
export interface AnalogueRequest {
  features: string;
  rows: Uint32Array;
  mode: AnalogueMode;
  metric: AnalogueMetric;
  count?: number;
  /** Other times to search too, each holding one latent level (that of the features); match.time k > 0 is others[k - 1]. */
  others?: StudyTime[];
  /** Which time the query's rows are of (0, the default: the features'; k > 0: others[k - 1]). */
  queryTime?: number;
}

const matrices = new Map<string, FeatureMatrix>();
/** The analogue index of each key searched, kept on the backend until its features go. */
const analogueIndices = new Map<string, AnalogueIndex>();
/** Study times of one latent level, whose features are that level's latents. */
const studyTimes = new Map<string, StudyTime>();
installWorkerErrorTransfer();
const jobs = workerJobs();

function studyTimeFor(key: string): StudyTime {
  const time = studyTimes.get(key);
  if (!time) throw new ProbeInputError(`no study time loaded under '${key}': call loadStudyTime first`);
  return time;
}

function matrixFor(key: string): FeatureMatrix {
  const matrix = matrices.get(key);
  if (matrix) return matrix;
  const time = studyTimeFor(key);
  return levelMatrix(time, time.latents.levels[0]);
}

function forgetAnalogues(key: string): void {
  analogueIndices.get(key)?.dispose();
  analogueIndices.delete(key);
}

function analogueIndexFor(key: string): AnalogueIndex {
  let index = analogueIndices.get(key);
  if (!index) {
    index = AnalogueIndex.create([matrixFor(key)]);
    analogueIndices.set(key, index);
  }
  return index;
}

const resolveTimes = (times: ReadonlyArray<StudyTime | string>): StudyTime[] => times.map((time) => (typeof time === 'string' ? studyTimeFor(time) : time));

/** Runs `work` as job `jobId` (which cancel(jobId) aborts) once tfjs is ready. */
async function job<T>(jobId: string, work: (signal: AbortSignal) => Promise<T>): Promise<T> {
  await backend();
  return jobs.run(jobId, work);
}

const control = (signal: AbortSignal, onProgress?: ProgressCallback): JobControl => ({ signal, onProgress });

const backend = (): Promise<ProbeBackendInfo> => initProbeBackend({ wasmPath: import.meta.env.BASE_URL + TFJS_WASM_URL_PATH.slice(1) });

const api = {
  /** Starts (once) and reports the tfjs backend. */
  backend,

  /** Keeps an (N, D) float32 matrix under `key`; transfer `data`'s buffer. Replaces any earlier one. */
  loadFeatures(key: string, data: Float32Array, rows: number, cols: number): void {
    studyTimes.delete(key);
    forgetAnalogues(key);
    matrices.set(key, featureMatrix(data, rows, cols));
  },

  /** Keeps a study time of one latent level under `key`: its features are that level's latents. */
  loadStudyTime(key: string, time: StudyTime): void {
    if (time.latents.levels.length !== 1) throw new ProbeInputError(`a study time loaded here holds one latent level, not ${time.latents.levels.length}`);
    matrices.delete(key);
    forgetAnalogues(key);
    studyTimes.set(key, time);
  },

  releaseFeatures(key: string): void {
    forgetAnalogues(key);
    matrices.delete(key);
    studyTimes.delete(key);
  },

  /** Aborts a running job; it rejects with CancelledError. */
  cancel: jobs.cancel,

  /** The jobs still running: an answer at all means the thread is free, an empty list that no job is left. */
  busy: jobs.running,

  async pca(jobId: string, request: PcaRequest, onProgress?: ProgressCallback): Promise<PcaResult> {
    const result = await job(jobId, (signal) =>
      pca(matrixFor(request.features), { components: request.components, weights: request.weights, fitRows: request.fitRows, control: control(signal, onProgress) }),
    );
    return Comlink.transfer(result, [result.components.buffer, result.scores.buffer, result.mean.buffer]);
  },

  async fitProbe(jobId: string, request: ProbeRequest, onProgress?: ProgressCallback): Promise<SplitProbe> {
    const response = await job(jobId, (signal) =>
      fitSplitProbe(matrixFor(request.features), request.labels, request.split, { C: request.C, rowWeights: request.rowWeights, control: control(signal, onProgress) }),
    );
    return Comlink.transfer(response, [response.probabilities.buffer, response.conceptScores.buffer]);
  },

  /** Study 2 on its times: thresholds, nested classes, PCA and one probe per percentile. */
  runExtremes(jobId: string, request: ExtremesRequest, onProgress?: StudyProgressCallback): Promise<ExtremesResult> {
    return job(jobId, (signal) => runExtremesStudy(request.inputs, request.fields, { level: request.level, split: request.split, signal, onProgress }));
  },

  /** Study 3 on its times: K-index labels at each threshold, nested classes, PCA and one probe per threshold. */
  runKIndex(jobId: string, request: KIndexRequest, onProgress?: StudyProgressCallback): Promise<KIndexResult> {
    return job(jobId, (signal) => runKIndexStudy(request.inputs, { level: request.level, thresholds: request.thresholds, split: request.split, signal, onProgress }));
  },

  /** Study 3's probe of every threshold beside its baselines on the same rows, labels and split: one card per threshold, ascending. */
  compareKIndex(jobId: string, request: KIndexCompareRequest, onProgress?: StudyProgressCallback): Promise<ProbeCard[]> {
    return job(jobId, (signal) => compareKIndex(request.inputs, request.thresholds, { ...request.settings, signal, onProgress }));
  },

  /** Study 1's probe beside its baselines on the same patches, labels and split: a probe card. */
  compareLandSea(jobId: string, request: LandSeaCompareRequest, onProgress?: StudyProgressCallback): Promise<ProbeCard> {
    return job(jobId, (signal) => {
      const { model, untrained } = request.inputs;
      const inputs: ComparisonInputs = {
        ...request.inputs,
        model: { ...model, inputs: resolveTimes(model.inputs) },
        untrained: untrained.map((arm) => ({ ...arm, inputs: resolveTimes(arm.inputs) })),
      };
      return compareLandSea(inputs, { ...request.settings, signal, onProgress });
    });
  },

  /** Study 2's probe of every percentile beside its baselines on the same rows, labels and split: one card per percentile, ascending. */
  compareExtremes(jobId: string, request: ExtremesCompareRequest, onProgress?: StudyProgressCallback): Promise<ProbeCard[]> {
    return job(jobId, (signal) => compareExtremes(request.inputs, request.fields, { ...request.settings, signal, onProgress }));
  },

  /** A sweep over times and latent levels: each cell read through the page, fitted here, handed back as it finishes. */
  runSweep(jobId: string, request: SweepRequest, page: SweepCallbacks): Promise<SweepResult> {
    return job(jobId, (signal) =>
      runSweep({ times: request.times, read: (timeIndex, level) => page.read(timeIndex, level) }, request.plan, {
        signal,
        cached: (time, level) => page.cached(time, level),
        onCell: (cell, fit) => page.onCell(cell, fit),
        onSkipped: (skipped) => page.onSkipped(skipped),
        onProgress: (progress) => page.onProgress(progress),
      }),
    );
  },

  /** Linear CKA of each level of one source against each of the other's, with each row's shuffled noise floor. */
  async compareLevels(jobId: string, request: SimilarityRequest, onProgress?: ProgressCallback): Promise<SimilarityMatrix> {
    const result = await job(jobId, (signal) =>
      compareLevels(studyTimeRepresentation(request.a.name, request.a.time), studyTimeRepresentation(request.b.name, request.b.time), request.levels, {
        seed: request.seed,
        control: control(signal, onProgress),
      }),
    );
    return Comlink.transfer(result, [result.values.buffer, result.floor.buffer]);
  },

  /** Linear CKA of one level at each time against the same level at every other, with each row's shuffled noise floor. */
  async compareTimes(jobId: string, request: TimesSimilarityRequest, onProgress?: ProgressCallback): Promise<SimilarityMatrix> {
    const representations = request.times.map((time) => studyTimeRepresentation(request.name, time));
    const result = await job(jobId, (signal) => compareTimes(representations, request.level, { seed: request.seed, control: control(signal, onProgress) }));
    return Comlink.transfer(result, [result.values.buffer, result.floor.buffer]);
  },

  /** Every row's similarity to the query rows (their mean, or the nearest of them) and the best matches outside them. */
  async searchAnalogues(jobId: string, request: AnalogueRequest): Promise<AnalogueResult> {
    const query = { time: request.queryTime ?? 0, rows: request.rows, mode: request.mode, metric: request.metric, count: request.count };
    const others = request.others ?? [];
    const result = await job(jobId, async (signal) => {
      if (others.length === 0) return analogueIndexFor(request.features).search(query, { signal });
      // Other times come with each search (from the app's latent cache): their index lives for this search only.
      const index = AnalogueIndex.create([matrixFor(request.features), ...others.map((time) => levelMatrix(time, time.latents.levels[0]))]);
      try {
        return await index.search(query, { signal });
      } finally {
        index.dispose();
      }
    });
    return Comlink.transfer(result, result.scores.map((scores) => scores.buffer));
  },

  /** The k rows nearest to `row` in latent space (Euclidean), nearest first. */
  neighbours(features: string, row: number, k: number): Neighbours {
    const result = nearestNeighbours(matrixFor(features), row, k);
    return Comlink.transfer(result, [result.rows.buffer, result.distances.buffer]);
  },
};

export type ProbesWorkerApi = typeof api;

Comlink.expose(api);
