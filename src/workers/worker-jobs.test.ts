import type * as Comlink from 'comlink';
import { describe, expect, it } from 'vitest';
import { CancelledError } from '../errors.ts';
import type { GuardedWorker } from '../platform/guarded-worker.ts';
import { clientJob, untilSettled } from './worker-jobs.ts';

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
