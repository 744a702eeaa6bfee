import { describe, expect, it } from 'vitest';
import { CancelledError } from '../errors.ts';
import { SharedTask } from './shared-task.ts';

/** Work that ends when told to, and records whether its signal was aborted. */
function pendingWork() {
  let finish: (value: string) => void = () => undefined;
  let signal: AbortSignal | null = null;
  const task = new SharedTask<string>((taskSignal) => {
    signal = taskSignal;
    return new Promise<string>((resolve) => (finish = resolve));
  });
  return { task, finish: (value: string) => finish(value), aborted: () => signal?.aborted ?? false };
}

describe('SharedTask', () => {
  it('lets a caller that cancels stop waiting at once, while the work goes on for the caller still waiting', async () => {
    const work = pendingWork();
    const preparing = new AbortController();
    const running = new AbortController();
    const forPreparation = work.task.wait(preparing.signal);
    const forRun = work.task.wait(running.signal);
    running.abort();
    await expect(forRun).rejects.toBeInstanceOf(CancelledError);
    expect(work.aborted()).toBe(false);
    work.finish('model');
    await expect(forPreparation).resolves.toBe('model');
    expect(work.task.abandoned).toBe(false);
  });

  it('aborts the work when every caller has cancelled, and says so to the next caller', async () => {
    const work = pendingWork();
    const preparing = new AbortController();
    const running = new AbortController();
    const waits = [work.task.wait(preparing.signal), work.task.wait(running.signal)];
    preparing.abort();
    expect(work.aborted()).toBe(false);
    running.abort();
    expect(work.aborted()).toBe(true);
    expect(work.task.abandoned).toBe(true);
    for (const wait of waits) await expect(wait).rejects.toBeInstanceOf(CancelledError);
  });

  it('refuses a caller whose signal is already aborted without touching the work', async () => {
    const work = pendingWork();
    const cancelled = new AbortController();
    cancelled.abort();
    await expect(work.task.wait(cancelled.signal)).rejects.toBeInstanceOf(CancelledError);
    expect(work.aborted()).toBe(false);
  });

  it("passes the work's failure to every caller", async () => {
    const task = new SharedTask<string>(() => Promise.reject(new Error('no such model')));
    await expect(task.wait(undefined)).rejects.toThrow('no such model');
    await expect(task.wait(new AbortController().signal)).rejects.toThrow('no such model');
  });
});
