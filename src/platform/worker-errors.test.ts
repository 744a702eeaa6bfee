import * as Comlink from 'comlink';
import { afterAll, describe, expect, it } from 'vitest';
import { RequestTimeoutError } from '../data/errors.ts';
import { CancelledError, isCancelled, ProductError } from '../errors.ts';
import { installWorkerErrorTransfer, WorkerReportedError } from './worker-errors.ts';

installWorkerErrorTransfer();

// Both ends of a worker boundary in one thread: a MessageChannel's ports, as Comlink uses a worker's.
const channel = new MessageChannel();
const api = {
  timeout(): void {
    throw new RequestTimeoutError('http://127.0.0.1:9/store.zarr/.zmetadata', 30_400, 0, undefined, 'answer');
  },
  cancelled(): void {
    throw new CancelledError('The encode');
  },
  wrapped(): void {
    throw new Error('the pipeline stopped', { cause: new RequestTimeoutError('http://127.0.0.1:9/x', 1_000, 12, 100, 'body') });
  },
  plain(): void {
    throw new TypeError('x is not a function');
  },
};
Comlink.expose(api, channel.port1);
const remote = Comlink.wrap<typeof api>(channel.port2);

afterAll(() => {
  remote[Comlink.releaseProxy]();
  channel.port1.close();
  channel.port2.close();
});

describe('errors across a worker boundary', () => {
  it('keep their kind, name and message', async () => {
    const error = await remote.timeout().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(WorkerReportedError);
    expect(error).toBeInstanceOf(ProductError);
    expect((error as ProductError).kind).toBe('timeout');
    expect((error as Error).name).toBe('RequestTimeoutError');
    expect((error as Error).message).toMatch(/^http:\/\/127\.0\.0\.1:9\/store\.zarr\/\.zmetadata did not answer in [\d.]+ s\. The server is stuck/);
  });

  it('arrive as CancelledError when the work was cancelled', async () => {
    const error = await remote.cancelled().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(CancelledError);
    expect(isCancelled(error)).toBe(true);
    expect((error as Error).message).toBe('The encode was cancelled.');
  });

  it("keep a cause's kind, and leave other errors plain", async () => {
    const wrapped = (await remote.wrapped().catch((caught: unknown) => caught)) as Error;
    expect(wrapped).not.toBeInstanceOf(ProductError);
    expect(wrapped.message).toBe('the pipeline stopped');
    expect((wrapped.cause as ProductError).kind).toBe('timeout');
    const plain = (await remote.plain().catch((caught: unknown) => caught)) as Error;
    expect(plain.name).toBe('TypeError');
    expect(plain).not.toBeInstanceOf(ProductError);
  });
});
