import { describe, expect, it } from 'vitest';
import { CancelledError } from '../errors.ts';
import { clientJob } from '../workers/worker-jobs.ts';
import { guardedWorker } from './guarded-worker.ts';

interface StuckApi {
  cancel(jobId: string): void;
  encode(jobId: string): Promise<string>;
}

/** A worker that takes every message and never answers one: a tile's session.run that does not return. */
class SilentWorker extends EventTarget {
  static spawned: SilentWorker[] = [];
  terminated = false;
  readonly received: unknown[] = [];
  constructor() {
    super();
    SilentWorker.spawned.push(this);
  }
  postMessage(message: unknown): void {
    this.received.push(message);
  }
  terminate(): void {
    this.terminated = true;
  }
}

function silentGuardedWorker() {
  SilentWorker.spawned = [];
  return guardedWorker<StuckApi>('encoder', () => new SilentWorker() as unknown as Worker);
}

describe('guardedWorker.replace', () => {
  it('rejects the calls in flight with the reason, ends the worker and starts a fresh one only at the next call', async () => {
    const worker = silentGuardedWorker();
    const call = worker.call((remote) => remote.encode('encode-1'));
    worker.replace(new CancelledError());
    await expect(call).rejects.toBeInstanceOf(CancelledError);
    expect(SilentWorker.spawned).toHaveLength(1);
    expect(SilentWorker.spawned[0].terminated).toBe(true);
    void worker.call((remote) => remote.encode('encode-2')).catch(() => undefined);
    expect(SilentWorker.spawned).toHaveLength(2);
    expect(SilentWorker.spawned[1].terminated).toBe(false);
    expect(SilentWorker.spawned[1].received).toHaveLength(1);
    worker.terminate();
  });
});

describe('clientJob with replaceAfterMs', () => {
  it('ends a worker whose job never stops after Cancel, and rejects the call with CancelledError', async () => {
    const worker = silentGuardedWorker();
    const controller = new AbortController();
    const call = clientJob(worker, 'encode', { signal: controller.signal }, (remote, jobId) => remote.encode(jobId), { replaceAfterMs: 20 });
    controller.abort();
    await expect(call).rejects.toBeInstanceOf(CancelledError);
    const [first] = SilentWorker.spawned;
    expect(first.terminated).toBe(true);
    // The job's call and its cancel reached the worker before it was ended (then Comlink's release).
    expect(first.received.length).toBeGreaterThanOrEqual(2);
    worker.terminate();
  });

  it('leaves the worker alone when the job stops within the grace', async () => {
    const controller = new AbortController();
    let stop: (error: Error) => void = () => undefined;
    let replaced = 0;
    const worker = {
      call: <T>(use: (remote: never) => Promise<T>) => use({ cancel: () => stop(new CancelledError()), encode: () => new Promise<string>((_, reject) => (stop = reject)) } as never),
      replace: () => void replaced++,
      terminate: () => undefined,
    };
    const call = clientJob<StuckApi, string>(worker, 'encode', { signal: controller.signal }, (remote, jobId) => remote.encode(jobId), { replaceAfterMs: 20 });
    controller.abort();
    await expect(call).rejects.toBeInstanceOf(CancelledError);
    await new Promise((resolve) => setTimeout(resolve, 40));
    expect(replaced).toBe(0);
  });
});
