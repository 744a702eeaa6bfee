// The probes' Web Worker: PCA and logistic-regression probes off the main thread, through Comlink.
// Feature matrices are transferred in once and kept here under a key, so that redoing a PCA on
// every brush or date change moves only indices and results, never the features again.
import * as Comlink from 'comlink';
import { runComparison, type ComparisonDate, type ComparisonRequest } from '../app/compare/run-comparison.ts';

export type { ComparisonDate };
import { initProbeBackend, TFJS_WASM_URL_PATH, type ProbeBackendInfo } from '../probes/backend.ts';
import { conceptScores, conceptVector } from '../probes/concept.ts';
import { ProbeInputError, type JobControl } from '../probes/job.ts';
import { fitLogistic, predictLabels, predictProbabilities, type LogisticModel } from '../probes/logreg.ts';
import { featureMatrix, selectRows, type FeatureMatrix } from '../probes/matrix.ts';
import { binaryMetrics, majorityBaselineAccuracy, type BinaryMetrics } from '../probes/metrics.ts';
import { nearestNeighbours, type Neighbours } from '../probes/neighbours.ts';
import { pca, type PcaResult } from '../probes/pca.ts';
import type { PercentileField } from '../percentiles/percentile-field.ts';
import type { SplitChoice } from '../studies/evaluate.ts';
import { runExtremesStudy, type ExtremesResult } from '../studies/extremes.ts';
import type { ProbeCard } from '../studies/compare-card.ts';
import { compareExtremes, type ComparisonInputs, type ComparisonSettings } from '../studies/compare-studies.ts';
import type { StudyProgress } from '../studies/progress.ts';
import type { StudyTimeInputs } from '../studies/study-time.ts';

export type ProgressCallback = (fraction: number, stage: string) => void;

export interface PcaRequest {
  /** Cancels this job when passed to cancel(). */
  jobId: string;
  /** A key given to loadFeatures. */
  features: string;
  components: number;
  weights?: Float32Array | Float64Array;
  fitRows?: Uint32Array;
}

export interface ProbeRequest {
  jobId: string;
  features: string;
  /** 0/1 per row of the features. */
  labels: Uint8Array;
  train: Uint32Array;
  test: Uint32Array;
  C?: number;
  /** One weight per row of the features (e.g. cos-latitude); the fit uses the training rows'. */
  sampleWeights?: Float64Array;
}

export interface ProbeResponse {
  model: LogisticModel;
  /** P(land) etc. for every row of the features, so that the map can colour all patches. */
  probabilities: Float64Array;
  testPredictions: Uint8Array;
  testMetrics: BinaryMetrics;
  majorityBaselineAccuracy: number;
  /** The unit coefficient vector and every row's score on it. */
  conceptVector: Float64Array;
  conceptScores: Float64Array;
}

export interface ExtremesRequest {
  jobId: string;
  inputs: StudyTimeInputs[];
  fields: PercentileField[];
  level: number;
  split: SplitChoice;
}

/** Study 2's comparison: the run's times encoded by the model and each untrained encoder, its raw inputs and thresholds. */
export interface ExtremesCompareRequest {
  jobId: string;
  inputs: ComparisonInputs;
  fields: PercentileField[];
  settings: Pick<ComparisonSettings, 'split' | 'seeds' | 'baselines' | 'C'>;
}

/** The Compare panel's comparison; a date's model features are a matrix, or the key of one loaded here. */
export interface CompareRequest extends Omit<ComparisonRequest<FeatureMatrix | string>, 'signal' | 'onProgress'> {
  jobId: string;
}

export type StudyProgressCallback = (progress: StudyProgress) => void;

const matrices = new Map<string, FeatureMatrix>();
const running = new Map<string, AbortController>();

function matrixFor(key: string): FeatureMatrix {
  const matrix = matrices.get(key);
  if (!matrix) throw new ProbeInputError(`no features loaded under '${key}': call loadFeatures first`);
  return matrix;
}

async function job<T>(jobId: string, onProgress: ProgressCallback | undefined, work: (control: JobControl) => Promise<T>): Promise<T> {
  await backend();
  const controller = new AbortController();
  running.get(jobId)?.abort();
  running.set(jobId, controller);
  try {
    return await work({ signal: controller.signal, onProgress });
  } finally {
    if (running.get(jobId) === controller) running.delete(jobId);
  }
}

const backend = (): Promise<ProbeBackendInfo> => initProbeBackend({ wasmPath: import.meta.env.BASE_URL + TFJS_WASM_URL_PATH.slice(1) });

const api = {
  /** Starts (once) and reports the tfjs backend. */
  backend,

  /** Keeps an (N, D) float32 matrix under `key`; transfer `data`'s buffer. Replaces any earlier one. */
  loadFeatures(key: string, data: Float32Array, rows: number, cols: number): void {
    matrices.set(key, featureMatrix(data, rows, cols));
  },

  releaseFeatures(key: string): void {
    matrices.delete(key);
  },

  /** Aborts a running job; it rejects with ProbeCancelledError. */
  cancel(jobId: string): void {
    running.get(jobId)?.abort();
  },

  async pca(request: PcaRequest, onProgress?: ProgressCallback): Promise<PcaResult> {
    const result = await job(request.jobId, onProgress, (control) =>
      pca(matrixFor(request.features), { components: request.components, weights: request.weights, fitRows: request.fitRows, control }),
    );
    return Comlink.transfer(result, [result.components.buffer, result.scores.buffer, result.mean.buffer]);
  },

  async fitProbe(request: ProbeRequest, onProgress?: ProgressCallback): Promise<ProbeResponse> {
    const response = await job(request.jobId, onProgress, async (control) => {
      const x = matrixFor(request.features);
      if (request.labels.length !== x.rows) throw new ProbeInputError(`${request.labels.length} labels for ${x.rows} rows`);
      const trainLabels = Uint8Array.from(request.train, (row) => request.labels[row]);
      const testLabels = Uint8Array.from(request.test, (row) => request.labels[row]);
      const rowWeights = request.sampleWeights;
      if (rowWeights && rowWeights.length !== x.rows) throw new ProbeInputError(`${rowWeights.length} weights for ${x.rows} rows`);
      const sampleWeights = rowWeights && Float64Array.from(request.train, (row) => rowWeights[row]);
      const model = await fitLogistic(selectRows(x, request.train), trainLabels, { C: request.C, sampleWeights, control });
      const probabilities = predictProbabilities(model, x);
      const testProbabilities = Float64Array.from(request.test, (row) => probabilities[row]);
      const testPredictions = predictLabels(testProbabilities);
      const vector = conceptVector(model.coef);
      return {
        model,
        probabilities,
        testPredictions,
        testMetrics: binaryMetrics(testLabels, testPredictions, testProbabilities),
        majorityBaselineAccuracy: majorityBaselineAccuracy(trainLabels, testLabels),
        conceptVector: vector,
        conceptScores: conceptScores(x, vector),
      };
    });
    return Comlink.transfer(response, [response.probabilities.buffer, response.conceptScores.buffer]);
  },

  /** Study 2 on encoded times: thresholds, nested classes, PCA and one probe per percentile. */
  async runExtremes(request: ExtremesRequest, onProgress?: StudyProgressCallback): Promise<ExtremesResult> {
    return job(request.jobId, undefined, (control) =>
      runExtremesStudy(request.inputs, request.fields, { level: request.level, split: request.split, signal: control.signal, onProgress }),
    );
  },

  /** The model's probe beside its baselines on the same patches, labels and split: a probe card. */
  async compare(request: CompareRequest, onProgress?: StudyProgressCallback): Promise<ProbeCard> {
    return job(request.jobId, undefined, (control) =>
      runComparison({
        ...request,
        dates: request.dates.map((date) => ({ ...date, model: typeof date.model === 'string' ? matrixFor(date.model) : date.model })),
        signal: control.signal,
        onProgress,
      }),
    );
  },

  /** Study 2's probe of every percentile beside its baselines on the same rows, labels and split: one card per percentile, ascending. */
  async compareExtremes(request: ExtremesCompareRequest, onProgress?: StudyProgressCallback): Promise<ProbeCard[]> {
    return job(request.jobId, undefined, (control) => compareExtremes(request.inputs, request.fields, { ...request.settings, signal: control.signal, onProgress }));
  },

  /** The k rows nearest to `row` in latent space (Euclidean), nearest first. */
  neighbours(features: string, row: number, k: number): Neighbours {
    const result = nearestNeighbours(matrixFor(features), row, k);
    return Comlink.transfer(result, [result.rows.buffer, result.distances.buffer]);
  },
};

export type ProbesWorkerApi = typeof api;

Comlink.expose(api);
