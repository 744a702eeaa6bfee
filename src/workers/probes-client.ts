// The page's handle on the probes worker: typed calls, buffers transferred, progress proxied, and
// every long call cancelled by its AbortSignal (the one idiom of src/errors.ts: it then rejects with
// CancelledError, whatever the worker was doing).
import * as Comlink from 'comlink';
import { guardedWorker } from '../platform/guarded-worker.ts';
import type { AnalogueResult } from '../probes/analogues.ts';
import type { ProbeBackendInfo } from '../probes/backend.ts';
import type { FeatureMatrix } from '../probes/matrix.ts';
import type { Neighbours } from '../probes/neighbours.ts';
import type { PcaResult } from '../probes/pca.ts';
import type { SplitProbe } from '../probes/split-probe.ts';
import type { ProbeCard } from '../studies/compare-card.ts';
import type { ExtremesResult } from '../studies/extremes.ts';
import type { KIndexResult } from '../studies/k-index-study.ts';
import type { SimilarityMatrix } from '../studies/similarity.ts';
import type { StudyTime } from '../studies/study-time.ts';
import type { SweepResult } from '../studies/sweep-run.ts';
import type {
  AnalogueRequest,
  ExtremesCompareRequest,
  ExtremesRequest,
  KIndexCompareRequest,
  KIndexRequest,
  LandSeaCompareRequest,
  PcaRequest,
  ProbeRequest,
  ProbesWorkerApi,
  ProgressCallback,
  SimilarityRequest,
  StudyProgressCallback,
  SweepCallbacks,
  SweepRequest,
  TimesSimilarityRequest,
} from './probes.worker.ts';
import { clientJob, type CallOptions } from './worker-jobs.ts';
import { transferable } from '../platform/shared-memory.ts';

export interface ProbesClient {
  backend(): Promise<ProbeBackendInfo>;
  /** Moves (transfers) the matrix's data into the worker: the caller's array is detached afterwards. */
  loadFeatures(key: string, features: FeatureMatrix): Promise<void>;
  /** Moves (transfers) a study time of one latent level into the worker, or shares it when its latents are shared memory; its features are that level's latents. */
  loadStudyTime(key: string, time: StudyTime): Promise<void>;
  releaseFeatures(key: string): Promise<void>;
  /** The worker's jobs still running (its answer also says its thread is free). */
  busyJobs(): Promise<string[]>;
  pca(request: PcaRequest, options?: CallOptions<ProgressCallback>): Promise<PcaResult>;
  fitProbe(request: ProbeRequest, options?: CallOptions<ProgressCallback>): Promise<SplitProbe>;
  neighbours(features: string, row: number, k: number): Promise<Neighbours>;
  /** Study 2; the inputs are copied, not transferred, so that cached latents stay whole. */
  runExtremes(request: ExtremesRequest, options?: CallOptions<StudyProgressCallback>): Promise<ExtremesResult>;
  /** Study 3; the inputs are copied, not transferred. */
  runKIndex(request: KIndexRequest, options?: CallOptions<StudyProgressCallback>): Promise<KIndexResult>;
  /** Study 3's probe cards, one per threshold; the inputs are copied, not transferred. */
  compareKIndex(request: KIndexCompareRequest, options?: CallOptions<StudyProgressCallback>): Promise<ProbeCard[]>;
  /** Study 1's probe card; the times and features are copied, not transferred. */
  compareLandSea(request: LandSeaCompareRequest, options?: CallOptions<StudyProgressCallback>): Promise<ProbeCard>;
  /** Study 2's probe cards, one per percentile; the inputs are copied, not transferred. */
  compareExtremes(request: ExtremesCompareRequest, options?: CallOptions<StudyProgressCallback>): Promise<ProbeCard[]>;
  /** Linear CKA of two sources' levels at one time; the study times are copied, not transferred. */
  compareLevels(request: SimilarityRequest, options?: CallOptions<ProgressCallback>): Promise<SimilarityMatrix>;
  /** Linear CKA of one source's level at several times, each against each; the study times are copied, not transferred. */
  compareTimes(request: TimesSimilarityRequest, options?: CallOptions<ProgressCallback>): Promise<SimilarityMatrix>;
  /** An analogue search over features loaded under a key (its index stays in the worker until they go). */
  searchAnalogues(request: AnalogueRequest, options?: { signal?: AbortSignal }): Promise<AnalogueResult>;
  /** A sweep; `page` reads its cells (transfer their latents) and hears of each as it finishes. */
  runSweep(request: SweepRequest, page: SweepCallbacks, options?: { signal?: AbortSignal }): Promise<SweepResult>;
  terminate(): void;
}

export function createProbesClient(): ProbesClient {
  const worker = guardedWorker<ProbesWorkerApi>('probes', () => new Worker(new URL('./probes.worker.ts', import.meta.url), { type: 'module', name: 'probes' }));
  return {
    backend: () => worker.call((remote) => remote.backend()),
    loadFeatures: (key, features) => worker.call((remote) => remote.loadFeatures(key, Comlink.transfer(features.data, [features.data.buffer]), features.rows, features.cols)),
    loadStudyTime: (key, time) => worker.call((remote) => remote.loadStudyTime(key, Comlink.transfer(time, transferable([time.latents.data.buffer])))),
    releaseFeatures: (key) => worker.call((remote) => remote.releaseFeatures(key)),
    busyJobs: () => worker.call((remote) => remote.busy()),
    pca: (request, options = {}) => clientJob(worker, 'pca', options, (remote, jobId, onProgress) => remote.pca(jobId, request, onProgress)),
    fitProbe: (request, options = {}) => clientJob(worker, 'probe', options, (remote, jobId, onProgress) => remote.fitProbe(jobId, request, onProgress)),
    neighbours: (features, row, k) => worker.call((remote) => remote.neighbours(features, row, k)),
    runExtremes: (request, options = {}) => clientJob(worker, 'extremes', options, (remote, jobId, onProgress) => remote.runExtremes(jobId, request, onProgress)),
    compareLandSea: (request, options = {}) => clientJob(worker, 'compare', options, (remote, jobId, onProgress) => remote.compareLandSea(jobId, request, onProgress)),
    runKIndex: (request, options = {}) => clientJob(worker, 'k-index', options, (remote, jobId, onProgress) => remote.runKIndex(jobId, request, onProgress)),
    compareKIndex: (request, options = {}) => clientJob(worker, 'k-index-compare', options, (remote, jobId, onProgress) => remote.compareKIndex(jobId, request, onProgress)),
    compareExtremes: (request, options = {}) => clientJob(worker, 'extremes-compare', options, (remote, jobId, onProgress) => remote.compareExtremes(jobId, request, onProgress)),
    compareLevels: (request, options = {}) => clientJob(worker, 'similarity', options, (remote, jobId, onProgress) => remote.compareLevels(jobId, request, onProgress)),
    compareTimes: (request, options = {}) => clientJob(worker, 'similarity', options, (remote, jobId, onProgress) => remote.compareTimes(jobId, request, onProgress)),
    searchAnalogues: (request, options = {}) => clientJob(worker, 'analogues', options, (remote, jobId) => remote.searchAnalogues(jobId, request)),
    runSweep: (request, page, options = {}) => clientJob(worker, 'sweep', options, (remote, jobId) => remote.runSweep(jobId, request, Comlink.proxy(page))),
    terminate: () => worker.terminate(),
  };
}
