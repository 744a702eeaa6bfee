import type * as Comlink from 'comlink';
import { describe, expect, it, vi } from 'vitest';
import { CancelledError } from '../errors.ts';
import type { GuardedWorker } from '../platform/guarded-worker.ts';
import { clientJob, deliveredProgress, untilSettled } from './worker-jobs.ts';

describe('untilSettled', () => {
  it('passes progress on until its call settles, and drops what lands after', () => {
    const heard: number[] = [];
    const progress = untilSettled((fraction: number) => heard.push(fraction));
    progress.report(0.4);
    progress.report(0.8);
    progress.settle();
    // A report that crossed on the proxy's port after the answer.
    progress.report(0.8);
    expect(heard).toEqual([0.4, 0.8]);
  });
});

interface FakeApi {
  cancel(jobId: string): void;
  work(jobId: string, onProgress?: (fraction: number) => void): Promise<string>;
}

/** A worker in this thread: its progress of 1 lands after its answer, as a proxy's port may deliver it. */
function fakeWorker(answer: (jobId: string) => Promise<string>) {
  const cancelled: string[] = [];
  const remote: FakeApi = {
    cancel: (jobId) => void cancelled.push(jobId),
    async work(jobId, onProgress) {
      onProgress?.(0.5);
      setTimeout(() => onProgress?.(1), 0);
      return answer(jobId);
    },
  };
  const worker: GuardedWorker<FakeApi> = {
    call: (use) => use(remote as unknown as Comlink.Remote<FakeApi>),
    replace: () => undefined,
    terminate: () => undefined,
  };
  return { worker, cancelled };
}

describe('clientJob', () => {
  it("drops the worker's progress that lands after the answer", async () => {
    const { worker } = fakeWorker(async () => 'done');
    const heard: number[] = [];
    await expect(clientJob(worker, 'work', { onProgress: (fraction: number) => heard.push(fraction) }, (remote, jobId, onProgress) => remote.work(jobId, onProgress))).resolves.toBe('done');
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(heard).toEqual([0.5]);
  });

  it('cancels the job in the worker by its id when the signal aborts, and rejects with CancelledError', async () => {
    const controller = new AbortController();
    const { worker, cancelled } = fakeWorker(
      (jobId) =>
        new Promise((_, reject) => {
          controller.abort();
          queueMicrotask(() => reject(new Error(`job ${jobId} aborted`)));
        }),
    );
    const call = clientJob(worker, 'work', { signal: controller.signal }, (remote, jobId) => remote.work(jobId));
    await expect(call).rejects.toBeInstanceOf(CancelledError);
    expect(cancelled).toEqual([expect.stringMatching(/^work-\d+$/)]);
  });
});

describe('deliveredProgress', () => {
  it('holds the answer until the page has taken the last report', async () => {
    const taken: number[] = [];
    let acknowledge = (): void => {};
    // The page's proxied callback: a report is taken when its promise resolves.
    const page = (value: number) =>
      new Promise<void>((resolve) => {
        acknowledge = () => {
          taken.push(value);
          resolve();
        };
      });
    const { report, delivered } = deliveredProgress(page);
    report?.(1);
    report?.(2);
    let answered = false;
    const answer = delivered().then(() => {
      answered = true;
    });
    await Promise.resolve();
    expect(answered).toBe(false);
    acknowledge();
    await answer;
    expect(taken).toEqual([2]);
    expect(answered).toBe(true);
  });

  it('answers after its limit when the page never takes the report', async () => {
    vi.useFakeTimers();
    try {
      const { report, delivered } = deliveredProgress(() => new Promise<void>(() => {}));
      report?.();
      const answer = delivered();
      await vi.advanceTimersByTimeAsync(1_000);
      await expect(answer).resolves.toBeUndefined();
    } finally {
      vi.useRealTimers();
    }
  });

  it('answers at once with no callback or no report', async () => {
    await expect(deliveredProgress(undefined).delivered()).resolves.toBeUndefined();
    await expect(deliveredProgress(() => Promise.resolve()).delivered()).resolves.toBeUndefined();
  });
});
