// The page's handle on the encoder worker. A worker that crashes is replaced by a new one and the
// call in flight fails with a message that says so; the view on screen is left as it was.
import * as Comlink from 'comlink';
import { guardedWorker } from '../platform/guarded-worker.ts';
import type { EncodedStudyTime, EncodedTime, EncodeProgressCallback, EncodeRequest, EncoderWorkerApi, StudyTimeRequest } from '../workers/encoder.worker.ts';

export interface EncoderClient {
  encode(request: EncodeRequest, onProgress?: EncodeProgressCallback): Promise<EncodedTime>;
  encodeStudyTime(request: StudyTimeRequest, onProgress?: EncodeProgressCallback): Promise<EncodedStudyTime>;
  cancel(jobId: string): Promise<void>;
}

export function createEncoderClient(): EncoderClient {
  const worker = guardedWorker<EncoderWorkerApi>(
    'encoder',
    () => new Worker(new URL('../workers/encoder.worker.ts', import.meta.url), { type: 'module', name: 'encoder' }),
  );
  const progress = (onProgress: EncodeProgressCallback | undefined) => (onProgress ? Comlink.proxy(onProgress) : undefined);
  return {
    encode: (request, onProgress) => worker.call((remote) => remote.encode(request, progress(onProgress))),
    encodeStudyTime: (request, onProgress) => worker.call((remote) => remote.encodeStudyTime(request, progress(onProgress))),
    cancel: (jobId) => worker.call((remote) => remote.cancel(jobId)),
  };
}
