// A bound on work in flight, by count and by bytes: chunk reads hold their decoded chunk until it is
// copied out, so a store of many small chunks must not open hundreds of requests at once, nor one of
// big chunks decode more at once than memory allows. Waiters start in arrival order; a task larger
// than the byte bound runs alone rather than never.
import { CancelledError, throwIfCancelled } from '../errors.ts';

export interface InFlightBounds {
  /** Tasks at once. */
  count: number;
  /** Their bytes at once (each task says its own); Infinity for no bound. */
  bytes: number;
}

export class InFlightLimit {
  private activeCount = 0;
  private activeBytes = 0;
  private readonly waiting: { bytes: number; start: () => void }[] = [];

  constructor(readonly bounds: Readonly<InFlightBounds>) {
    if (!(Number.isInteger(bounds.count) && bounds.count >= 1)) throw new RangeError(`tasks in flight must be a positive integer, got ${bounds.count}`);
    if (!(bounds.bytes > 0)) throw new RangeError(`bytes in flight must be positive, got ${bounds.bytes}`);
  }

  /** Runs `task` once it fits the bounds; throws CancelledError when `signal` aborts while it waits. */
  async run<T>(bytes: number, task: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    throwIfCancelled(signal);
    if (this.waiting.length > 0 || !this.fits(bytes)) await this.wait(bytes, signal);
    else this.take(bytes);
    try {
      return await task();
    } finally {
      this.activeCount -= 1;
      this.activeBytes -= bytes;
      this.startWaiting();
    }
  }

  private fits(bytes: number): boolean {
    if (this.activeCount >= this.bounds.count) return false;
    return this.activeCount === 0 || this.activeBytes + bytes <= this.bounds.bytes;
  }

  private take(bytes: number): void {
    this.activeCount += 1;
    this.activeBytes += bytes;
  }

  private startWaiting(): void {
    while (this.waiting.length > 0 && this.fits(this.waiting[0].bytes)) {
      const next = this.waiting.shift();
      if (!next) return;
      this.take(next.bytes);
      next.start();
    }
  }

  private wait(bytes: number, signal: AbortSignal | undefined): Promise<void> {
    return new Promise((resolve, reject) => {
      const entry = {
        bytes,
        start: () => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        },
      };
      const onAbort = () => {
        const index = this.waiting.indexOf(entry);
        if (index >= 0) this.waiting.splice(index, 1);
        // The head may have been the one that did not fit: those behind it may fit now.
        this.startWaiting();
        reject(new CancelledError());
      };
      this.waiting.push(entry);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }
}
