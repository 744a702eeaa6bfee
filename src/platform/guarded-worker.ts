// A Comlink worker that is replaced when it crashes, or when its owner ends it mid-call (replace: a
// cancelled job that does not stop in time). Comlink would wait forever on a dead worker, so every call
// also listens for the worker's own error events and fails with a message that says so.
import * as Comlink from 'comlink';
import { ProductError } from '../errors.ts';
import { installWorkerErrorTransfer } from './worker-errors.ts';

export class WorkerCrashedError extends ProductError {
  readonly kind = 'worker-crashed';
  constructor(which: string, detail: string) {
    super(`The ${which} worker stopped unexpectedly (${detail}). It has been restarted; press Run to try again.`);
  }
}

export interface GuardedWorker<Api> {
  /** Runs one call on the current worker; rejects with WorkerCrashedError if the worker dies meanwhile. */
  call<T>(use: (remote: Comlink.Remote<Api>) => Promise<T>): Promise<T>;
  /**
   * Ends the current worker now, mid-call if need be: its calls in flight reject with `reason`, and the
   * next call starts a fresh worker (which loads its model and sources again).
   */
  replace(reason: Error): void;
  terminate(): void;
}

interface Running<Api> {
  worker: Worker;
  remote: Comlink.Remote<Api>;
  /** The rejections of the calls in flight on this worker. */
  inFlight: Set<(reason: Error) => void>;
}

export function guardedWorker<Api>(which: string, spawn: () => Worker): GuardedWorker<Api> {
  installWorkerErrorTransfer();
  const start = (): Running<Api> => {
    const worker = spawn();
    return { worker, remote: Comlink.wrap<Api>(worker), inFlight: new Set() };
  };
  // Started at once, so that its module loads before the first call.
  let current: Running<Api> | null = start();
  const end = (reason: Error | null) => {
    if (!current) return;
    const ending = current;
    current = null;
    ending.remote[Comlink.releaseProxy]();
    ending.worker.terminate();
    if (reason) for (const reject of ending.inFlight) reject(reason);
  };
  return {
    call<T>(use: (remote: Comlink.Remote<Api>) => Promise<T>): Promise<T> {
      current ??= start();
      const running = current;
      return new Promise<T>((resolve, reject) => {
        const crashed = (event: Event) => {
          if (current === running) end(null);
          reject(new WorkerCrashedError(which, event instanceof ErrorEvent && event.message ? event.message : 'an error it could not report'));
        };
        running.inFlight.add(reject);
        running.worker.addEventListener('error', crashed);
        running.worker.addEventListener('messageerror', crashed);
        use(running.remote)
          .then(resolve, reject)
          .finally(() => {
            running.inFlight.delete(reject);
            running.worker.removeEventListener('error', crashed);
            running.worker.removeEventListener('messageerror', crashed);
          });
      });
    },
    replace: (reason) => end(reason),
    terminate: () => end(null),
  };
}
