// A Comlink worker that is replaced when it crashes. Comlink would wait forever on a dead worker, so
// every call also listens for the worker's own error events and fails with a message that says so.
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
  terminate(): void;
}

export function guardedWorker<Api>(which: string, spawn: () => Worker): GuardedWorker<Api> {
  installWorkerErrorTransfer();
  let worker = spawn();
  let remote = Comlink.wrap<Api>(worker);
  const restart = () => {
    remote[Comlink.releaseProxy]();
    worker.terminate();
    worker = spawn();
    remote = Comlink.wrap<Api>(worker);
  };
  return {
    call<T>(use: (remote: Comlink.Remote<Api>) => Promise<T>): Promise<T> {
      const current = worker;
      return new Promise<T>((resolve, reject) => {
        const crashed = (event: Event) => {
          if (current === worker) restart();
          reject(new WorkerCrashedError(which, event instanceof ErrorEvent && event.message ? event.message : 'an error it could not report'));
        };
        current.addEventListener('error', crashed);
        current.addEventListener('messageerror', crashed);
        use(remote)
          .then(resolve, reject)
          .finally(() => {
            current.removeEventListener('error', crashed);
            current.removeEventListener('messageerror', crashed);
          });
      });
    },
    terminate: () => {
      remote[Comlink.releaseProxy]();
      worker.terminate();
    },
  };
}
