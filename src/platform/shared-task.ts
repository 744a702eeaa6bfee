// One piece of work that several callers wait for at once, each with its own AbortSignal: the source
// worker's model load, which the encoder's preparation (a model just chosen) and a run may both need.
// A caller that cancels stops waiting at once (its job ends, so no worker reports it busy); the work
// itself is aborted only when every caller waiting for it has cancelled, so that one caller's Cancel
// never fails another's wait.
import { CancelledError } from '../errors.ts';

export class SharedTask<T> {
  private readonly controller = new AbortController();
  private waiting = 0;
  private settled = false;
  /** The work's own outcome (never rejected unobserved). */
  readonly done: Promise<T>;

  constructor(start: (signal: AbortSignal) => Promise<T>) {
    this.done = start(this.controller.signal).finally(() => {
      this.settled = true;
    });
    this.done.catch(() => undefined);
  }

  /** Whether every caller left before it finished (its signal is aborted): a new caller starts the work again. */
  get abandoned(): boolean {
    return this.controller.signal.aborted;
  }

  /** The work's result, or CancelledError as soon as `signal` aborts (without a signal, the caller waits to the end). */
  wait(signal: AbortSignal | undefined, what?: string): Promise<T> {
    if (signal?.aborted) return Promise.reject(new CancelledError(what));
    this.waiting += 1;
    return new Promise<T>((resolve, reject) => {
      let left = false;
      const leave = () => {
        if (left) return;
        left = true;
        signal?.removeEventListener('abort', onAbort);
        this.waiting -= 1;
      };
      const onAbort = () => {
        leave();
        reject(new CancelledError(what));
        if (this.waiting === 0 && !this.settled) this.controller.abort();
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.done.then(
        (value) => {
          leave();
          resolve(value);
        },
        (error: unknown) => {
          leave();
          reject(error);
        },
      );
    });
  }
}
