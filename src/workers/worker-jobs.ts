// The worker side of cancellation: each long call runs as a job under the id its client chose, and
// cancel(id) aborts that job's signal (the client side is whileNotCancelled, src/errors.ts).

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
