// Cancellation across the worker boundary. The worker side: each long call runs as a job under the id
// its client chose, and cancel(id) aborts that job's signal. The client side (clientJob): the call's
// AbortSignal sends that cancel (whileNotCancelled, src/errors.ts), and its progress is proxied.
import * as Comlink from 'comlink';
import { CancelledError, whileNotCancelled } from '../errors.ts';
import type { GuardedWorker } from '../platform/guarded-worker.ts';

/** How a long call to a worker is cancelled and what it reports meanwhile (the client side). */
export interface CallOptions<Progress> {
  signal?: AbortSignal;
  onProgress?: Progress;
}

/**
 * A progress callback that goes quiet once its call has settled. Progress crosses from a worker on a
 * Comlink proxy's own message port, so a report can land after the call's answer, and would otherwise
 * turn a finished stage back into a running one (a bar stuck at 80 %). The clients wrap every call's
 * progress in it, so no caller needs its own flag.
 */
export function untilSettled<A extends unknown[]>(report: (...args: A) => void): { report: (...args: A) => void; settle: () => void } {
  let settled = false;
  return {
    report: (...args) => {
      if (!settled) report(...args);
    },
    settle: () => {
      settled = true;
    },
  };
}

/** How long a job's answer waits for the page to take its last progress report. */
const PROGRESS_DELIVERY_LIMIT_MS = 1_000;

/**
 * The worker side of a call's progress: `report` forwards to the page's proxied callback, and
 * `delivered()` waits (at most PROGRESS_DELIVERY_LIMIT_MS) until the page has taken the last report.
 * A job awaits it before answering, so that the page sees every stage a job went through: progress
 * crosses on its proxy's own port, and reports that landed after the answer were dropped by
 * untilSettled, leaving a run's Encode stage at "0 / 0 tiles" and never 'running' (links.spec in CI).
 * Reports on one port arrive in order, so the last one's acknowledgement covers all of them.
 */
export function deliveredProgress<A extends unknown[]>(onProgress: ((...args: A) => unknown) | undefined): { report: ((...args: A) => void) | undefined; delivered(): Promise<void> } {
  let last: PromiseLike<unknown> | null = null;
  return {
    report:
      onProgress &&
      ((...args: A) => {
        const acknowledged = onProgress(...args);
        if (isPromiseLike(acknowledged)) last = acknowledged;
      }),
    async delivered() {
      if (!last) return;
      let timer: ReturnType<typeof setTimeout> | undefined;
      const limit = new Promise<void>((resolve) => {
        timer = setTimeout(resolve, PROGRESS_DELIVERY_LIMIT_MS);
      });
      await Promise.race([Promise.resolve(last).then(() => undefined, () => undefined), limit]).finally(() => clearTimeout(timer));
    },
  };
}

const isPromiseLike = (value: unknown): value is PromiseLike<unknown> => typeof value === 'object' && value !== null && typeof (value as { then?: unknown }).then === 'function';

let jobCounter = 0;

/**
 * One job in a worker, called from the page: `signal` cancels it there (the call then rejects with
 * CancelledError), and its progress is proxied and goes quiet once the job has settled. With
 * `replaceAfterMs`, a job that has not ended that long after its cancel (a tile's session.run cannot be
 * interrupted) has its worker ended and replaced by a fresh one (GuardedWorker.replace), so that Cancel
 * stops the work within a bound; the next job on it loads its model again.
 */
export function clientJob<Api extends { cancel(jobId: string): void }, T, A extends unknown[] = never[]>(
  worker: GuardedWorker<Api>,
  name: string,
  { signal, onProgress }: CallOptions<(...args: A) => void>,
  run: (remote: Comlink.Remote<Api>, jobId: string, onProgress: ((...args: A) => void) | undefined) => Promise<T>,
  { replaceAfterMs }: { replaceAfterMs?: number } = {},
): Promise<T> {
  const jobId = `${name}-${++jobCounter}`;
  const progress = onProgress && untilSettled(onProgress);
  let replacing: ReturnType<typeof setTimeout> | undefined;
  const cancel = () => {
    // A worker ended meanwhile rejects this call too; the job is gone either way.
    Promise.resolve(worker.call((remote) => remote.cancel(jobId))).catch(() => undefined);
    if (replaceAfterMs !== undefined) replacing = setTimeout(() => worker.replace(new CancelledError()), replaceAfterMs);
  };
  return whileNotCancelled(signal, cancel, () =>
    worker
      .call((remote) => run(remote, jobId, progress && Comlink.proxy(progress.report)))
      .finally(() => {
        clearTimeout(replacing);
        progress?.settle();
      }),
  );
}

export interface WorkerJobs {
  /** Runs `work` as job `jobId`; a job already running under that id is aborted first. */
  run<T>(jobId: string, work: (signal: AbortSignal) => Promise<T>): Promise<T>;
  cancel(jobId: string): void;
  /** The jobs running now: none once every call has settled (a cancelled one included). */
  running(): string[];
}

export function workerJobs(): WorkerJobs {
  const running = new Map<string, AbortController>();
  return {
    async run(jobId, work) {
      const controller = new AbortController();
      running.get(jobId)?.abort();
      running.set(jobId, controller);
      try {
        return await work(controller.signal);
      } finally {
        if (running.get(jobId) === controller) running.delete(jobId);
      }
    },
    cancel: (jobId) => running.get(jobId)?.abort(),
    running: () => [...running.keys()],
  };
}
