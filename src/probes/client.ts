// The UI's handle on the probes worker: typed calls, buffers transferred, progress proxied.
import * as Comlink from 'comlink';
import type { ExtremesResult } from '../studies/extremes.ts';
import type { ProbeCard } from '../studies/compare-card.ts';
import type {
  CompareRequest,
  ExtremesCompareRequest,
  ExtremesRequest,
  PcaRequest,
  ProbeRequest,
  ProbeResponse,
  ProbesWorkerApi,
  ProgressCallback,
  StudyProgressCallback,
} from '../workers/probes.worker.ts';
import { guardedWorker } from '../platform/guarded-worker.ts';
import type { ProbeBackendInfo } from './backend.ts';
import type { Neighbours } from './neighbours.ts';
import type { PcaResult } from './pca.ts';

export interface ProbesClient {
  backend(): Promise<ProbeBackendInfo>;
  /** Moves (transfers) `data` into the worker: the caller's array is detached afterwards. */
  loadFeatures(key: string, data: Float32Array, rows: number, cols: number): Promise<void>;
  releaseFeatures(key: string): Promise<void>;
  pca(request: PcaRequest, onProgress?: ProgressCallback): Promise<PcaResult>;
  fitProbe(request: ProbeRequest, onProgress?: ProgressCallback): Promise<ProbeResponse>;
  neighbours(features: string, row: number, k: number): Promise<Neighbours>;
  /** Study 2; the inputs are copied, not transferred, so that cached latents stay whole. */
  runExtremes(request: ExtremesRequest, onProgress?: StudyProgressCallback): Promise<ExtremesResult>;
  /** The Compare panel's probe card; the raw and untrained features are copied, not transferred. */
  compare(request: CompareRequest, onProgress?: StudyProgressCallback): Promise<ProbeCard>;
  /** Study 2's probe cards, one per percentile; the inputs are copied, not transferred, so that cached latents stay whole. */
  compareExtremes(request: ExtremesCompareRequest, onProgress?: StudyProgressCallback): Promise<ProbeCard[]>;
  cancel(jobId: string): Promise<void>;
  terminate(): void;
}

export function createProbesClient(): ProbesClient {
  const worker = guardedWorker<ProbesWorkerApi>('probes', () => new Worker(new URL('../workers/probes.worker.ts', import.meta.url), { type: 'module', name: 'probes' }));
  const progress = (onProgress: ProgressCallback | undefined) => (onProgress ? Comlink.proxy(onProgress) : undefined);
  return {
    backend: () => worker.call((remote) => remote.backend()),
    loadFeatures: (key, data, rows, cols) => worker.call((remote) => remote.loadFeatures(key, Comlink.transfer(data, [data.buffer]), rows, cols)),
    releaseFeatures: (key) => worker.call((remote) => remote.releaseFeatures(key)),
    pca: (request, onProgress) => worker.call((remote) => remote.pca(request, progress(onProgress))),
    fitProbe: (request, onProgress) => worker.call((remote) => remote.fitProbe(request, progress(onProgress))),
    neighbours: (features, row, k) => worker.call((remote) => remote.neighbours(features, row, k)),
    runExtremes: (request, onProgress) => worker.call((remote) => remote.runExtremes(request, onProgress ? Comlink.proxy(onProgress) : undefined)),
    compare: (request, onProgress) => worker.call((remote) => remote.compare(request, onProgress ? Comlink.proxy(onProgress) : undefined)),
    compareExtremes: (request, onProgress) => worker.call((remote) => remote.compareExtremes(request, onProgress ? Comlink.proxy(onProgress) : undefined)),
    cancel: (jobId) => worker.call((remote) => remote.cancel(jobId)),
    terminate: () => worker.terminate(),
  };
}
