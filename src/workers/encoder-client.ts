// The page's handle on the encoder worker. A worker that crashes is replaced by a new one and the
// call in flight fails with a message that says so; the view on screen is left as it was. A call is
// cancelled by its AbortSignal (src/errors.ts whileNotCancelled: it then rejects with CancelledError).
import * as Comlink from 'comlink';
import { whileNotCancelled } from '../errors.ts';
import { guardedWorker } from '../platform/guarded-worker.ts';
import type { EncodedStudyTime, EncodeProgressCallback, EncodeRequest, EncoderBackendChoice, EncoderModelSource, EncoderReadiness, EncoderWorkerApi } from './encoder.worker.ts';
import type { CallOptions } from './worker-jobs.ts';

export interface EncoderClient {
  encode(request: EncodeRequest, options?: CallOptions<EncodeProgressCallback>): Promise<EncodedStudyTime>;
}

/** The app's own handle adds the warm-up; the runs only need EncoderClient. */
export interface PreparingEncoderClient extends EncoderClient {
  /** Loads a model and, on a GPU, compiles its pipelines on a one-row tile, before any Run. */
  prepare(model: EncoderModelSource, tile: { patches: number; levelCount: number }, options?: CallOptions<(choice: EncoderBackendChoice) => void>): Promise<EncoderReadiness>;
}

let jobCounter = 0;

export function createEncoderClient(): PreparingEncoderClient {
  const worker = guardedWorker<EncoderWorkerApi>('encoder', () => new Worker(new URL('./encoder.worker.ts', import.meta.url), { type: 'module', name: 'encoder' }));
  return {
    encode: (request, { signal, onProgress } = {}) => {
      const jobId = `encode-${++jobCounter}`;
      return whileNotCancelled(
        signal,
        () => void worker.call((remote) => remote.cancel(jobId)),
        () => worker.call((remote) => remote.encode(jobId, request, onProgress ? Comlink.proxy(onProgress) : undefined)),
      );
    },
    prepare: (model, tile, { signal, onProgress } = {}) => {
      const jobId = `prepare-${++jobCounter}`;
      return whileNotCancelled(
        signal,
        () => void worker.call((remote) => remote.cancel(jobId)),
        () => worker.call((remote) => remote.prepare(jobId, model, tile, onProgress ? Comlink.proxy(onProgress) : undefined)),
      );
    },
  };
}
