import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CancelledError } from '../errors.ts';
import { ConnectionLostError, HttpStatusError, RequestTimeoutError, StoreUnreachableError } from './errors.ts';
import { openEra5Dataset } from './dataset.ts';
import { redactUrl } from './redact.ts';
import { defaultRequestLayer, parseRetryAfter, RequestLayer, setDefaultRequestTimeout, type RequestEvent, type RequestPolicy, type RetryNotice } from './request.ts';
import { openHttpSource } from './store.ts';
import { FIXTURE } from './testing/fixture-batch.ts';
import { startFaultServer, type FaultServer } from './testing/fault-server.ts';

const CHUNK = '2m_temperature/0.0.0';

describe('the request layer', () => {
  let server: FaultServer;
  let chunk: Uint8Array;
  beforeAll(async () => {
    server = await startFaultServer(`${FIXTURE}/era5.zarr`);
    chunk = new Uint8Array(await readFile(`${FIXTURE}/era5.zarr/${CHUNK}`));
  });
  afterAll(() => server.close());

  /** A layer with short waits, so that the tests take milliseconds; `retries` collects its notices. */
  function layer(policy: Partial<RequestPolicy> = {}): { requests: RequestLayer; retries: RetryNotice[] } {
    const retries: RetryNotice[] = [];
    return { requests: new RequestLayer({ policy: { backoffMs: 5, timeoutMs: 2000, ...policy }, onRetry: (notice) => retries.push(notice) }), retries };
  }

  /** How many times `path` was requested while `work` ran. */
  async function countRequests(path: string, work: () => Promise<unknown>): Promise<number> {
    const before = server.requests.length;
    await work().catch(() => undefined);
    return server.requests.slice(before).filter((requested) => requested === path).length;
  }

  async function failure(promise: Promise<unknown>): Promise<Error> {
    try {
      await promise;
    } catch (error) {
      if (error instanceof Error) return error;
    }
    throw new Error('expected a failure');
  }

  it('serves a body, reporting its bytes as they arrive, and a missing key as undefined', async () => {
    const { requests } = layer();
    const events: RequestEvent[] = [];
    const bytes = await requests.get(`${server.url}/${CHUNK}`, { onEvent: (event) => events.push(event) });
    expect(bytes).toEqual(chunk);
    const counted = events.reduce((sum, event) => sum + (event.kind === 'bytes' ? event.count : 0), 0);
    expect(counted).toBe(chunk.byteLength);
    expect(await requests.get(`${server.url}/no-such-key`)).toBeUndefined();
  });

  it('retries a 500 and succeeds on the second try, saying so', async () => {
    const { requests, retries } = layer();
    server.fault(CHUNK, { kind: 'fail', status: 500, times: 1 });
    const events: RequestEvent[] = [];
    let bytes: Uint8Array | undefined;
    const tries = await countRequests(CHUNK, async () => {
      bytes = await requests.get(`${server.url}/${CHUNK}`, { onEvent: (event) => events.push(event) });
    });
    server.fault(CHUNK, undefined);
    expect(tries).toBe(2);
    expect(bytes).toEqual(chunk);
    expect(retries).toHaveLength(1);
    expect(retries[0]).toMatchObject({ url: `${server.url}/${CHUNK}`, reason: 'HTTP 500', attempt: 2, attempts: 3 });
    expect(events.filter((event) => event.kind === 'retry')).toHaveLength(1);
  });

  it('gives up after three tries, naming the status and the tries', async () => {
    const { requests, retries } = layer();
    server.fault(CHUNK, { kind: 'fail', status: 503, times: 10 });
    let error: Error | undefined;
    const tries = await countRequests(CHUNK, async () => {
      error = await failure(requests.get(`${server.url}/${CHUNK}`));
    });
    server.fault(CHUNK, undefined);
    expect(tries).toBe(3);
    expect(retries.map((notice) => notice.attempt)).toEqual([2, 3]);
    expect(error).toBeInstanceOf(HttpStatusError);
    expect(error?.message).toMatch(new RegExp(`^${server.url}/${CHUNK} answered HTTP 503 \\(3 tries over \\d+(\\.\\d)? s\\): the server failed\\. Try again later\\.$`));
  });

  it('honours Retry-After on a 429, and refuses to wait longer than allowed', async () => {
    const { requests, retries } = layer({ backoffMs: 10_000 });
    server.fault(CHUNK, { kind: 'fail', status: 429, times: 1, retryAfter: '0' });
    expect(await requests.get(`${server.url}/${CHUNK}`)).toEqual(chunk);
    // The server's 0 s, not the 10 s backoff.
    expect(retries[0]).toMatchObject({ reason: 'HTTP 429', delayMs: 0 });

    server.fault(CHUNK, { kind: 'fail', status: 429, times: 1, retryAfter: '3600' });
    const error = await failure(requests.get(`${server.url}/${CHUNK}`));
    server.fault(CHUNK, undefined);
    expect(error).toBeInstanceOf(HttpStatusError);
    expect(error.message).toMatch(/answered HTTP 429: too many requests\. .* The server asks to wait 3600 s before trying again\./);
  });

  it('does not retry what a retry cannot mend (403)', async () => {
    const { requests, retries } = layer();
    server.fault(CHUNK, { kind: 'fail', status: 403, times: 10 });
    const tries = await countRequests(CHUNK, () => requests.get(`${server.url}/${CHUNK}`));
    server.fault(CHUNK, undefined);
    expect(tries).toBe(1);
    expect(retries).toHaveLength(0);
  });

  it('times out a server that never answers, naming the URL and the time waited', async () => {
    const { requests } = layer({ timeoutMs: 300 });
    server.fault(CHUNK, { kind: 'hang' });
    let error: Error | undefined;
    const tries = await countRequests(CHUNK, async () => {
      error = await failure(requests.get(`${server.url}/${CHUNK}`));
    });
    server.fault(CHUNK, undefined);
    expect(tries).toBe(1);
    expect(error).toBeInstanceOf(RequestTimeoutError);
    expect(error?.message).toMatch(new RegExp(`^${server.url}/${CHUNK} did not answer in \\d+(\\.\\d)? s\\. The server is stuck or very slow`));
    expect((error as RequestTimeoutError).waitedMs).toBeGreaterThanOrEqual(300);
  });

  it('gives a slow body the time its length needs, and no more', async () => {
    // 1 byte every 10 ms: 1,681 bytes take about 17 s. The limit is 1 s + 1,681 bytes at 10 kB/s = 1.17 s
    // (a second for the answer, so that a busy machine does not time out before the first byte).
    const { requests } = layer({ timeoutMs: 1000, minimumBytesPerSecond: 10_000 });
    server.fault(CHUNK, { kind: 'slow', intervalMs: 10 });
    const error = await failure(requests.get(`${server.url}/${CHUNK}`));
    expect(error).toBeInstanceOf(RequestTimeoutError);
    const timeout = error as RequestTimeoutError;
    expect(timeout.stage).toBe('body');
    expect(timeout.bytesReceived).toBeGreaterThan(0);
    expect(timeout.bytesReceived).toBeLessThan(chunk.byteLength);
    expect(error.message).toMatch(new RegExp(`^${server.url}/${CHUNK} sent \\d+ bytes of 1,681 bytes in \\d+(\\.\\d)? s and then too slowly or not at all\\.`));

    // The same trickle within a limit that allows for it arrives whole.
    const small = '2m_temperature/.zattrs';
    server.fault(small, { kind: 'slow', intervalMs: 2 });
    const bytes = await layer({ timeoutMs: 2000 }).requests.get(`${server.url}/${small}`);
    server.fault(small, undefined);
    server.fault(CHUNK, undefined);
    expect(new TextDecoder().decode(bytes)).toMatch(/_ARRAY_DIMENSIONS/);
  });

  it('retries a connection dropped midway, then names the bytes received', async () => {
    const { requests, retries } = layer();
    server.fault(CHUNK, { kind: 'drop' });
    let error: Error | undefined;
    const tries = await countRequests(CHUNK, async () => {
      error = await failure(requests.get(`${server.url}/${CHUNK}`));
    });
    server.fault(CHUNK, undefined);
    expect(tries).toBe(3);
    expect(retries[0].reason).toMatch(/^the connection closed after \d+ of 1681 bytes$/);
    expect(error).toBeInstanceOf(ConnectionLostError);
    expect(error?.message).toMatch(new RegExp(`^The connection to ${server.url}/${CHUNK} closed after [\\d,]+ bytes of 1,681 bytes \\(.*; 3 tries over \\d+(\\.\\d)? s\\)\\. The server or the network failed`));
  });

  it('reports a refused connection after its tries', async () => {
    const closed = await startFaultServer(FIXTURE);
    const url = `${closed.url}/era5.zarr/.zmetadata`;
    await closed.close();
    const error = await failure(layer().requests.get(url));
    expect(error).toBeInstanceOf(StoreUnreachableError);
    expect(error.message).toMatch(/^Could not reach http:\/\/127\.0\.0\.1:\d+\/era5\.zarr\/\.zmetadata \(.*; 3 tries over \d+\.\d s\)/);
  });

  it('stops at once when cancelled, while waiting for an answer and between tries', async () => {
    const { requests } = layer({ timeoutMs: 60_000, backoffMs: 60_000 });
    server.fault(CHUNK, { kind: 'hang' });
    const controller = new AbortController();
    const pending = failure(requests.get(`${server.url}/${CHUNK}`, { signal: controller.signal }));
    setTimeout(() => controller.abort(), 50);
    expect(await pending).toBeInstanceOf(CancelledError);

    server.fault(CHUNK, { kind: 'fail', status: 500, times: 10 });
    const again = new AbortController();
    const backingOff = failure(requests.get(`${server.url}/${CHUNK}`, { signal: again.signal, onEvent: (event) => event.kind === 'retry' && again.abort() }));
    expect(await backingOff).toBeInstanceOf(CancelledError);
    server.fault(CHUNK, undefined);
  });

  it("cancels a store's opening, and its later reads, through the signal it was opened with", async () => {
    const { requests } = layer({ timeoutMs: 60_000 });
    server.fault('latitude/0', { kind: 'hang' });
    const controller = new AbortController();
    const source = await openHttpSource(server.url, { requests, signal: controller.signal });
    const opening = failure(openEra5Dataset(source));
    setTimeout(() => controller.abort(), 100);
    expect(await opening).toBeInstanceOf(CancelledError);
    server.fault('latitude/0', undefined);
    // Every later read of that store is cancelled too.
    expect(await failure(openEra5Dataset(source))).toBeInstanceOf(CancelledError);
  });

  it('keeps at most `concurrency` requests in flight', async () => {
    const { requests } = layer({ concurrency: 2, timeoutMs: 60_000 });
    const paths = ['a', 'b', 'c', 'd'].map((name) => `held/${name}`);
    for (const path of paths) server.fault(path, { kind: 'hang' });
    const before = server.requests.length;
    const controller = new AbortController();
    const pending = paths.map((path) => requests.get(`${server.url}/${path}`, { signal: controller.signal }).catch((error: unknown) => error));
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(server.requests.slice(before).filter((path) => path.startsWith('held/'))).toHaveLength(2);
    controller.abort();
    expect((await Promise.all(pending)).every((error) => error instanceof CancelledError)).toBe(true);
    for (const path of paths) server.fault(path, undefined);
  });

  it('reads Retry-After as seconds or a date', () => {
    expect(parseRetryAfter('120')).toBe(120_000);
    expect(parseRetryAfter(null)).toBeUndefined();
    expect(parseRetryAfter('soon')).toBeUndefined();
    const inAMinute = new Date(Date.now() + 60_000).toUTCString();
    expect(parseRetryAfter(inAMinute)).toBeGreaterThan(55_000);
  });

  it('never names a credential in a URL', () => {
    expect(redactUrl('https://user:secret@example.org/era5.zarr/.zmetadata')).toBe('https://example.org/era5.zarr/.zmetadata');
    expect(redactUrl('https://example.org/era5.zarr')).toBe('https://example.org/era5.zarr');
  });
});

describe('setDefaultRequestTimeout', () => {
  it("gives the default layer the app's time limit, replacing it only when the limit changes", () => {
    const before = defaultRequestLayer();
    expect(setDefaultRequestTimeout(before.policy.timeoutMs)).toBe(false);
    expect(defaultRequestLayer()).toBe(before);
    expect(setDefaultRequestTimeout(2_000)).toBe(true);
    expect(defaultRequestLayer().policy.timeoutMs).toBe(2_000);
    expect(defaultRequestLayer().policy.attempts).toBe(before.policy.attempts);
    expect(setDefaultRequestTimeout(before.policy.timeoutMs)).toBe(true);
  });
});
