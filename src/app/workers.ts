// The page's handles on its two workers. A worker that crashes is replaced by a new one and the
// call in flight fails with a message that says so; the view on screen is left as it was.
import * as Comlink from 'comlink';
import { createProbesClient, type ProbesClient } from '../probes/client.ts';
import type { EncodedStudyTime, EncodedTime, EncodeProgressCallback, EncodeRequest, EncoderWorkerApi, StudyTimeRequest } from '../workers/encoder.worker.ts';

export class WorkerCrashedError extends Error {
  constructor(which: string, detail: string) {
    super(`The ${which} worker stopped unexpectedly (${detail}). It has been restarted; press Run to try again.`);
    this.name = 'WorkerCrashedError';
  }
}

export interface EncoderClient {
  encode(request: EncodeRequest, onProgress?: EncodeProgressCallback): Promise<EncodedTime>;
  encodeStudyTime(request: StudyTimeRequest, onProgress?: EncodeProgressCallback): Promise<EncodedStudyTime>;
  cancel(jobId: string): Promise<void>;
}

/** Rejects `call` when the worker reports an uncaught error, since Comlink would wait forever. */
function guard<T>(worker: Worker, which: string, call: Promise<T>, onCrash: () => void): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const crashed = (event: ErrorEvent | MessageEvent) => {
      onCrash();
      reject(new WorkerCrashedError(which, event instanceof ErrorEvent ? event.message || 'an error in the worker' : 'a message it could not read'));
    };
    worker.addEventListener('error', crashed);
    worker.addEventListener('messageerror', crashed);
    call.then(resolve, reject).finally(() => {
      worker.removeEventListener('error', crashed);
      worker.removeEventListener('messageerror', crashed);
    });
  });
}

export function createEncoderClient(): EncoderClient {
  let worker = spawn();
  let remote = Comlink.wrap<EncoderWorkerApi>(worker);
  function spawn(): Worker {
    return new Worker(new URL('../workers/encoder.worker.ts', import.meta.url), { type: 'module', name: 'encoder' });
  }
  const restart = () => {
    worker.terminate();
    worker = spawn();
    remote = Comlink.wrap<EncoderWorkerApi>(worker);
  };
  return {
    encode: (request, onProgress) =>
      guard(worker, 'encoder', remote.encode(request, onProgress ? Comlink.proxy(onProgress) : undefined), restart),
    encodeStudyTime: (request, onProgress) =>
      guard(worker, 'encoder', remote.encodeStudyTime(request, onProgress ? Comlink.proxy(onProgress) : undefined), restart),
    cancel: (jobId) => remote.cancel(jobId),
  };
}

/** The probes client, replaced by a fresh one when its worker crashes. */
export function createRestartingProbesClient(): { current(): ProbesClient; restart(): void } {
  let client = createProbesClient();
  return {
    current: () => client,
    restart: () => {
      client.terminate();
      client = createProbesClient();
    },
  };
}
