// The page's handle on the source worker (encoder.worker.ts), which reads study times from a latent
// source: ERA5 encoded by a model, or a latent store. A worker that crashes is replaced by a new one
// and the call in flight fails with a message that says so; the view on screen is left as it was. A
// call is cancelled by its AbortSignal (src/errors.ts whileNotCancelled: it then rejects with CancelledError).
import { guardedWorker } from '../platform/guarded-worker.ts';
import type {
  EncoderBackendChoice,
  EncoderModelSource,
  EncoderReadiness,
  ReadProgressCallback,
  ReadRequest,
  ReadStudyTime,
  SourceWorkerApi,
} from './encoder.worker.ts';
import { clientJob, type CallOptions } from './worker-jobs.ts';

export interface SourceClient {
  read(request: ReadRequest, options?: CallOptions<ReadProgressCallback>): Promise<ReadStudyTime>;
}

/** The app's own handle adds the encoder's warm-up; the runs only need SourceClient. */
export interface PreparingSourceClient extends SourceClient {
  /** Loads a model and, on a GPU, compiles its pipelines on a one-row tile, before any Run. */
  prepare(model: EncoderModelSource, tile: { patches: number; levelCount: number }, options?: CallOptions<(choice: EncoderBackendChoice) => void>): Promise<EncoderReadiness>;
  /**
   * Stops every prepare() in flight (the run's Cancel: a model chosen just before Run is loaded by prepare,
   * and would keep the worker busy after the run stopped); each rejects with CancelledError, and Run loads
   * the model again when it needs it.
   */
  stopPreparing(): void;
  /** The worker's jobs still running (its answer also says its thread is free). */
  busyJobs(): Promise<string[]>;
}

/**
 * How long a cancelled read may take to stop before its worker is ended and replaced. A read stops
 * between tiles (a tile's session.run cannot be interrupted: BROWSER_WASM_TILE_PATCHES sizes it to
 * about a quarter of a second), so this ends only a worker that is stuck, within issue 16's 1 s. Ending
 * one is costly: onnxruntime-web's threaded memory outlives the worker for minutes (docs/PERFORMANCE.md,
 * session 11), and the next run loads the model again.
 */
export const READ_CANCEL_GRACE_MS = 600;

export function createSourceClient(): PreparingSourceClient {
  const worker = guardedWorker<SourceWorkerApi>('encoder', () => new Worker(new URL('./encoder.worker.ts', import.meta.url), { type: 'module', name: 'encoder' }));
  const preparing = new Set<AbortController>();
  return {
    read: (request, options = {}) => clientJob(worker, 'read', options, (remote, jobId, onProgress) => remote.read(jobId, request, onProgress), { replaceAfterMs: READ_CANCEL_GRACE_MS }),
    prepare: (model, tile, options = {}) => {
      const stop = new AbortController();
      preparing.add(stop);
      const signal = options.signal ? AbortSignal.any([options.signal, stop.signal]) : stop.signal;
      return clientJob(worker, 'prepare', { ...options, signal }, (remote, jobId, onProgress) => remote.prepare(jobId, model, tile, onProgress)).finally(() => preparing.delete(stop));
    },
    stopPreparing: () => {
      for (const stop of preparing) stop.abort();
    },
    busyJobs: () => worker.call((remote) => remote.busy()),
  };
}
