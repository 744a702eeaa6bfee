// The one request layer under every http(s) store: a time limit per request, retries with backoff for
// what a retry can fix (5xx, 429, a dropped connection), a bound on requests in flight, cancellation
// through an AbortSignal, and the bytes and retries reported as they happen. Every URL it names in a
// message or a notice goes through redactUrl first.
import { CancelledError, throwIfCancelled } from '../errors.ts';
import { ConnectionLostError, HttpStatusError, RequestTimeoutError, StoreUnreachableError, type Tries } from './errors.ts';
import { InFlightLimit } from './in-flight.ts';
import { redactUrl } from './redact.ts';

export interface RequestPolicy {
  /**
   * Milliseconds to wait for an answer, for a small (metadata) body, and between two pieces of any body.
   * A body of known length may take this plus its length at `minimumBytesPerSecond`.
   */
  timeoutMs: number;
  /** The slowest transfer accepted for a long body: its time limit grows with its length at this rate. */
  minimumBytesPerSecond: number;
  /** Tries of a request in all, the first included. */
  attempts: number;
  /** Wait before the second try; doubled before each later one (with jitter). */
  backoffMs: number;
  /** A Retry-After longer than this is not waited for: the request fails, saying what the server asked. */
  maxRetryAfterMs: number;
  /** Requests in flight at once through one layer. */
  concurrency: number;
}

export const DEFAULT_REQUEST_POLICY: Readonly<RequestPolicy> = {
  timeoutMs: 30_000,
  minimumBytesPerSecond: 64 * 1024,
  attempts: 3,
  backoffMs: 500,
  maxRetryAfterMs: 60_000,
  concurrency: 16,
};

/** A try that failed and is about to be repeated: what progress shows. */
export interface RetryNotice {
  /** The URL, redacted. */
  url: string;
  /** Why the try failed, e.g. 'HTTP 500' or 'the connection closed after 512 bytes'. */
  reason: string;
  /** The try about to start (2 for the first retry) and the tries allowed in all. */
  attempt: number;
  attempts: number;
  /** The wait before it. */
  delayMs: number;
}

export type RequestEvent = { kind: 'bytes'; count: number } | ({ kind: 'retry' } & RetryNotice);

export interface RequestOptions {
  signal?: AbortSignal;
  /** Bytes as they arrive and retries as they are decided, for this request only. */
  onEvent?: (event: RequestEvent) => void;
  /** Headers to send, e.g. Authorization: never named in a message, a notice or a log. */
  headers?: Readonly<Record<string, string>>;
}

/** Part of a body: `length` bytes from `offset`, or the last `suffixLength` bytes (zarrita's RangeQuery). */
export type ByteRange = { offset: number; length: number } | { suffixLength: number };

export type FetchFunction = (input: string, init?: RequestInit) => Promise<Response>;

export interface RequestLayerOptions {
  policy?: Partial<RequestPolicy>;
  fetch?: FetchFunction;
  /** Every retry through this layer, whichever store asked (the CLI prints them). */
  onRetry?: (notice: RetryNotice) => void;
}

/** Why one try failed, and whether another try may help. */
type TryFailure =
  | { kind: 'status'; status: number; retryAfterMs: number | undefined }
  | { kind: 'network'; cause: unknown; received: number; expected: number | undefined }
  | { kind: 'timeout'; waitedMs: number; received: number; expected: number | undefined; stage: 'answer' | 'body' };

export class RequestLayer {
  readonly policy: Readonly<RequestPolicy>;
  private readonly fetchImpl: FetchFunction;
  private readonly onRetry: ((notice: RetryNotice) => void) | undefined;
  private readonly slots: InFlightLimit;

  constructor(options: RequestLayerOptions = {}) {
    this.policy = { ...DEFAULT_REQUEST_POLICY, ...options.policy };
    this.fetchImpl = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
    this.onRetry = options.onRetry;
    // The one bound on work in flight (in-flight.ts), counting requests; chunk reads bound their bytes with it too.
    this.slots = new InFlightLimit({ count: this.policy.concurrency, bytes: Number.POSITIVE_INFINITY });
  }

  /** The body at `url`; undefined for 404 (a missing key); a typed DataError for anything else that fails. */
  async get(url: string, options: RequestOptions = {}): Promise<Uint8Array | undefined> {
    const outcome = await this.request(url, { method: 'GET' }, options);
    return outcome.kind === 'body' ? outcome.bytes : undefined;
  }

  /**
   * Part of the body at `url` (a Range request, as a shard's index and chunks are read); a server
   * that ignores Range sends the whole body, which is then cut. Undefined for 404.
   */
  async getRange(url: string, range: ByteRange, options: RequestOptions = {}): Promise<Uint8Array | undefined> {
    const header = 'suffixLength' in range ? `bytes=-${range.suffixLength}` : `bytes=${range.offset}-${range.offset + range.length - 1}`;
    const outcome = await this.request(url, { method: 'GET', range: header }, options);
    if (outcome.kind !== 'body') return undefined;
    if (outcome.status === 206) return outcome.bytes;
    return 'suffixLength' in range ? outcome.bytes.subarray(Math.max(0, outcome.bytes.length - range.suffixLength)) : outcome.bytes.subarray(range.offset, range.offset + range.length);
  }

  /** Whether `url` exists (a HEAD request, no body read): false for 404, a typed DataError for a failure. */
  async exists(url: string, options: RequestOptions = {}): Promise<boolean> {
    return (await this.request(url, { method: 'HEAD' }, options)).kind === 'body';
  }

  private async request(url: string, how: RequestHow, options: RequestOptions): Promise<{ kind: 'body'; bytes: Uint8Array; status: number } | { kind: 'missing' }> {
    const { signal, onEvent } = options;
    const shown = redactUrl(url);
    const started = Date.now();
    for (let attempt = 1; ; attempt++) {
      throwIfCancelled(signal);
      const outcome = await this.slots.run(0, () => this.tryOnce(url, shown, how, options), signal);
      if (outcome.kind !== 'failed') return outcome;
      const failure = outcome.failure;
      const tries: Tries = { count: attempt, elapsedMs: Date.now() - started };
      const delayMs = this.delayBefore(attempt + 1, failure);
      if (delayMs === undefined) throw finalError(shown, failure, tries, this.policy, options.headers?.Authorization !== undefined);
      const notice: RetryNotice = { url: shown, reason: describeFailure(failure), attempt: attempt + 1, attempts: this.policy.attempts, delayMs };
      onEvent?.({ kind: 'retry', ...notice });
      this.onRetry?.(notice);
      await sleep(delayMs, signal);
    }
  }

  /** Milliseconds to wait before try `next`, or undefined when there is to be no such try. */
  private delayBefore(next: number, failure: TryFailure): number | undefined {
    if (next > this.policy.attempts) return undefined;
    if (failure.kind === 'timeout') return undefined; // Waiting again as long for a stuck server helps nobody.
    if (failure.kind === 'status') {
      if (failure.status !== 429 && failure.status < 500) return undefined;
      if (failure.retryAfterMs !== undefined) return failure.retryAfterMs <= this.policy.maxRetryAfterMs ? failure.retryAfterMs : undefined;
    }
    const backoff = this.policy.backoffMs * 2 ** (next - 2);
    return backoff * (0.75 + 0.5 * Math.random());
  }

  private async tryOnce(
    url: string,
    shown: string,
    how: RequestHow,
    { signal, onEvent, headers }: RequestOptions,
  ): Promise<{ kind: 'body'; bytes: Uint8Array; status: number } | { kind: 'missing' } | { kind: 'failed'; failure: TryFailure }> {
    const { timeoutMs, minimumBytesPerSecond } = this.policy;
    const controller = new AbortController();
    const abort = () => controller.abort();
    signal?.addEventListener('abort', abort, { once: true });
    const started = Date.now();
    let stage: 'answer' | 'body' = 'answer';
    let received = 0;
    let expected: number | undefined;
    let timedOut = false;
    // Two limits: `timeoutMs` without progress (no answer, or no byte), and a deadline for the whole
    // body once its length is known, so that a server trickling bytes cannot hold a request forever.
    let idle = setTimeout(() => expire(), timeoutMs);
    let deadline: ReturnType<typeof setTimeout> | undefined;
    const expire = () => {
      timedOut = true;
      controller.abort();
    };
    const progressed = () => {
      clearTimeout(idle);
      idle = setTimeout(() => expire(), timeoutMs);
    };
    try {
      const response = await this.fetchImpl(url, requestInit(how, headers, controller.signal));
      stage = 'body';
      progressed();
      if (response.status === 404) {
        await response.body?.cancel().catch(() => undefined);
        return { kind: 'missing' };
      }
      if (!response.ok) {
        await response.body?.cancel().catch(() => undefined);
        return { kind: 'failed', failure: { kind: 'status', status: response.status, retryAfterMs: parseRetryAfter(response.headers.get('retry-after')) } };
      }
      if (how.method === 'HEAD') {
        await response.body?.cancel().catch(() => undefined);
        return { kind: 'body', bytes: new Uint8Array(0), status: response.status };
      }
      const length = response.headers.get('content-length');
      expected = length !== null && /^\d+$/.test(length) ? Number(length) : undefined;
      if (expected !== undefined) deadline = setTimeout(() => expire(), timeoutMs + (expected / minimumBytesPerSecond) * 1000);
      const bytes = await readBody(
        response,
        (count) => {
          received += count;
          progressed();
          onEvent?.({ kind: 'bytes', count });
        },
        expected,
      );
      if (expected !== undefined && bytes.byteLength < expected) {
        return { kind: 'failed', failure: { kind: 'network', cause: new Error('the answer ended early'), received, expected } };
      }
      return { kind: 'body', bytes, status: response.status };
    } catch (error) {
      if (signal?.aborted) throw new CancelledError(`Reading ${shown}`);
      if (timedOut) return { kind: 'failed', failure: { kind: 'timeout', waitedMs: Date.now() - started, received, expected, stage } };
      return { kind: 'failed', failure: { kind: 'network', cause: error, received, expected } };
    } finally {
      clearTimeout(idle);
      clearTimeout(deadline);
      signal?.removeEventListener('abort', abort);
    }
  }
}

let defaultLayer: RequestLayer | undefined;

/** The layer stores use unless given one: one per process (or worker), so its bound on requests is global. */
export function defaultRequestLayer(): RequestLayer {
  defaultLayer ??= new RequestLayer();
  return defaultLayer;
}

/** Replaces the default layer, e.g. with the CLI's time limit and its printer of retries. */
export function setDefaultRequestLayer(layer: RequestLayer): void {
  defaultLayer = layer;
}

/**
 * Gives this page's (or worker's) default layer the time limit `timeoutMs` (the app's "Wait for a server" setting);
 * true when the layer was replaced. Stores keep the layer they were made with: a caller that holds stores opens them again.
 */
export function setDefaultRequestTimeout(timeoutMs: number): boolean {
  if (defaultRequestLayer().policy.timeoutMs === timeoutMs) return false;
  defaultLayer = new RequestLayer({ policy: { timeoutMs } });
  return true;
}

/** Retry-After as milliseconds: delay-seconds or an HTTP date; undefined when absent or unreadable. */
export function parseRetryAfter(value: string | null): number | undefined {
  if (value === null) return undefined;
  const text = value.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  const when = Date.parse(text);
  return Number.isNaN(when) ? undefined : Math.max(0, when - Date.now());
}

/** What a request does besides GET of the whole body. */
interface RequestHow {
  method: 'GET' | 'HEAD';
  /** A Range header's value. */
  range?: string;
}

/**
 * The fetch options of a request. Credentials go in the Authorization header the store gives, never
 * in the URL (fetch refuses user:password@ in a URL) nor as the browser's cookies (credentials:
 * 'omit'): a store on another site sees the token and nothing else of this page's.
 */
function requestInit(how: RequestHow, headers: Readonly<Record<string, string>> | undefined, signal: AbortSignal): RequestInit {
  const all: Record<string, string> = { ...headers };
  if (how.range) all.Range = how.range;
  return { method: how.method, headers: all, signal, credentials: 'omit', referrerPolicy: 'no-referrer' };
}

function finalError(url: string, failure: TryFailure, tries: Tries, policy: Readonly<RequestPolicy>, credentialsSent: boolean): Error {
  switch (failure.kind) {
    case 'status': {
      const waitAsked = failure.retryAfterMs !== undefined && failure.retryAfterMs > policy.maxRetryAfterMs ? failure.retryAfterMs : undefined;
      return new HttpStatusError(url, failure.status, tries.count > 1 ? tries : undefined, waitAsked, credentialsSent);
    }
    case 'timeout':
      return new RequestTimeoutError(url, failure.waitedMs, failure.received, failure.expected, failure.stage);
    case 'network':
      return failure.received > 0 || failure.expected !== undefined
        ? new ConnectionLostError(url, failure.received, failure.expected, tries, failure.cause)
        : new StoreUnreachableError(url, failure.cause, tries.count > 1 ? tries : undefined);
  }
}

function describeFailure(failure: TryFailure): string {
  switch (failure.kind) {
    case 'status':
      return `HTTP ${failure.status}`;
    case 'timeout':
      return `no answer in ${(failure.waitedMs / 1000).toFixed(1)} s`;
    case 'network':
      return failure.received > 0 || failure.expected !== undefined
        ? `the connection closed after ${failure.received}${failure.expected === undefined ? '' : ` of ${failure.expected}`} bytes`
        : `no connection (${failure.cause instanceof Error ? failure.cause.message : String(failure.cause)})`;
  }
}

/**
 * The whole body, reporting each piece as it arrives. A body of known length goes straight into one
 * buffer of that length, so that a chunk of hundreds of MB (a latent store's time) is held once, not
 * once in pieces and once joined; a body longer than declared (a Content-Encoding the browser undid)
 * falls back to pieces.
 */
async function readBody(response: Response, onBytes: (count: number) => void, expected: number | undefined): Promise<Uint8Array> {
  if (!response.body) {
    const bytes = new Uint8Array(await response.arrayBuffer());
    onBytes(bytes.byteLength);
    return bytes;
  }
  let whole = expected !== undefined && expected > 0 && response.headers.get('content-encoding') === null ? new Uint8Array(expected) : undefined;
  if (whole) {
    const direct = await readBodyInto(response.body, whole, onBytes);
    if (direct) return direct;
  }
  let filled = 0;
  const parts: Uint8Array[] = [];
  let total = 0;
  const reader = response.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    onBytes(value.byteLength);
    if (whole && filled + value.byteLength <= whole.length) {
      whole.set(value, filled);
      filled += value.byteLength;
      continue;
    }
    if (whole) {
      parts.push(whole.subarray(0, filled));
      total = filled;
      whole = undefined;
    }
    parts.push(value);
    total += value.byteLength;
  }
  if (whole) return filled === whole.length ? whole : whole.subarray(0, filled);
  if (parts.length === 1) return parts[0];
  const bytes = new Uint8Array(total);
  let offset = 0;
  for (const part of parts) {
    bytes.set(part, offset);
    offset += part.byteLength;
  }
  return bytes;
}

/**
 * The body read straight into `into` (its declared length) where the stream reads into a given buffer (a
 * byte stream's BYOB reader: fetch's in Chromium and Node), so that no piece is allocated on the way (a
 * latent store's level passes 140 MB through the source worker: about 60 MiB of it was still garbage there
 * when the views drew); undefined, nothing read, where it does not, and the caller reads it in pieces.
 */
async function readBodyInto(body: ReadableStream<Uint8Array>, into: Uint8Array, onBytes: (count: number) => void): Promise<Uint8Array | undefined> {
  let reader: ReadableStreamBYOBReader;
  try {
    reader = body.getReader({ mode: 'byob' });
  } catch {
    return undefined;
  }
  // Each read detaches the buffer given and hands its memory back as the value's: `into` is then empty.
  const length = into.length;
  let buffer = into.buffer as ArrayBuffer;
  let filled = 0;
  for (;;) {
    if (filled === length) {
      // fetch ends a body at its Content-Length; one that went on would be a broken answer, tried again.
      const { done } = await reader.read(new Uint8Array(1));
      if (!done) throw new Error(`the body goes on past its ${length} bytes`);
      return new Uint8Array(buffer, 0, filled);
    }
    const { done, value } = await reader.read(new Uint8Array(buffer, filled, length - filled));
    if (done || !value) return new Uint8Array(value?.buffer ?? buffer, 0, filled);
    buffer = value.buffer as ArrayBuffer;
    filled += value.byteLength;
    onBytes(value.byteLength);
  }
}

/** Waits `ms`, or throws CancelledError as soon as `signal` aborts. */
function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  throwIfCancelled(signal);
  return new Promise((resolve, reject) => {
    const onAbort = () => {
      clearTimeout(timer);
      reject(new CancelledError());
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
