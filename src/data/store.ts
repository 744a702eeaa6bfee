// Opening a Zarr store (v2, consolidated or not; v3) over any readable key-value store (http(s) ones
// through the request layer, request.ts), with bytes and retries counted for progress and typed errors
// for what people get wrong: bad URLs, private buckets, web pages instead of stores, codecs and dtypes
// this product cannot decode.
import * as zarr from 'zarrita';
import { HttpStatusError, NotZarrError, UnsupportedEncodingError } from './errors.ts';
import { declaredArray, SHAPE_LIMITS, withChunkIntegrity, type DeclaredArray } from './integrity.ts';
import { parseMetadataJson, stringifyMetadataJson } from './metadata-json.ts';
import { authorizationHeader, parseStoreAddress, type StoreCredentials } from './address.ts';
import { redactUrl } from './redact.ts';
import { defaultRequestLayer, type RequestLayer, type RequestEvent, type RequestOptions, type RetryNotice } from './request.ts';

export type ZarrArray = zarr.Array<zarr.DataType, zarr.Readable>;
export type AbsoluteKey = `/${string}`;

/** A key-value store to read from: zarrita's interface, so its stores fit too. */
export interface KeyValueReader {
  get(key: AbsoluteKey, options?: RequestOptions): Promise<Uint8Array | undefined>;
  /** Part of a value (what sharded Zarr v3 reads); stores without it are read whole and sliced. */
  getRange?(key: AbsoluteKey, range: zarr.RangeQuery, options?: RequestOptions): Promise<Uint8Array | undefined>;
  /** Whether a key exists, without reading it (HEAD, stat); stores without it are asked with get. */
  has?(key: AbsoluteKey, options?: RequestOptions): Promise<boolean>;
}

/** The bytes of `range` within a whole value: for stores that cannot read a part. */
export function sliceRange(bytes: Uint8Array, range: zarr.RangeQuery): Uint8Array {
  if ('suffixLength' in range) return bytes.subarray(Math.max(0, bytes.length - range.suffixLength));
  return bytes.subarray(range.offset, range.offset + range.length);
}

/** Traffic of one store: what the UI shows as "bytes fetched". */
export interface Traffic {
  /** Bytes received, failed tries included, counted as they arrive. */
  bytesFetched: number;
  /** Chunk (non-metadata) keys fetched. */
  chunksFetched: number;
  /** Requests tried again (after a 5xx, a 429 or a dropped connection), and the latest one. */
  retries: number;
  lastRetry: RetryNotice | undefined;
}

const METADATA_KEY = /(^|\/)(\.zmetadata|\.zarray|\.zattrs|\.zgroup|zarr\.json)$/;

/** Whether a key holds metadata (v2 or v3) rather than a chunk. */
export function isMetadataKey(key: string): boolean {
  return METADATA_KEY.test(key);
}

/**
 * An http(s) store over the request layer. 404 is a missing key (a missing chunk reads as the fill
 * value, per Zarr); any other failure that retries do not mend is a typed error.
 */
export class HttpStore implements KeyValueReader {
  /** The store's URL, without credentials. */
  readonly url: string;
  private readonly headers: Readonly<Record<string, string>>;
  constructor(
    url: string,
    private readonly requests: RequestLayer = defaultRequestLayer(),
    credentials?: StoreCredentials,
  ) {
    // A URL's own user:password@ are credentials too (address.ts takes them out the same way).
    const address = parseStoreAddress(url, { pageUrl: url });
    const given = credentials ?? address.credentials;
    this.url = address.url.endsWith('/') ? address.url : `${address.url}/`;
    this.headers = given ? { Authorization: authorizationHeader(given) } : {};
  }

  get(key: AbsoluteKey, options?: RequestOptions): Promise<Uint8Array | undefined> {
    return this.requests.get(this.url + key.slice(1), { ...options, headers: this.headers });
  }

  /** Range requests: a sharded array's index and chunks, without its whole shard. */
  getRange(key: AbsoluteKey, range: zarr.RangeQuery, options?: RequestOptions): Promise<Uint8Array | undefined> {
    return this.requests.getRange(this.url + key.slice(1), range, { ...options, headers: this.headers });
  }

  /** A HEAD request: whether a chunk exists, without its bytes. */
  has(key: AbsoluteKey, options?: RequestOptions): Promise<boolean> {
    return this.requests.exists(this.url + key.slice(1), { ...options, headers: this.headers });
  }
}

/**
 * Counts the bytes and retries of a store and checks that metadata is JSON (a web server's HTML page
 * is not); metadata with zarr-python's bare NaN is handed on as strict JSON, which zarrita parses.
 */
class ObservedStore implements KeyValueReader {
  readonly traffic: Traffic = { bytesFetched: 0, chunksFetched: 0, retries: 0, lastRetry: undefined };
  readonly watchers = new Set<(event: RequestEvent) => void>();
  constructor(
    private readonly inner: KeyValueReader,
    private readonly location: string,
    /** Cancels every request of the store (e.g. the run that opened it), besides each request's own signal. */
    private readonly signal: AbortSignal | undefined,
  ) {}

  async get(key: AbsoluteKey, options?: RequestOptions): Promise<Uint8Array | undefined> {
    const bytes = await this.counted((counting) => this.inner.get(key, counting), options);
    if (bytes === undefined) return undefined;
    if (METADATA_KEY.test(key)) return new TextEncoder().encode(stringifyMetadataJson(parseMetadata(bytes, key, this.location)));
    this.traffic.chunksFetched += 1;
    return bytes;
  }

  async getRange(key: AbsoluteKey, range: zarr.RangeQuery, options?: RequestOptions): Promise<Uint8Array | undefined> {
    const inner = this.inner;
    const bytes = await this.counted(
      (counting) => (inner.getRange ? inner.getRange(key, range, counting) : inner.get(key, counting).then((whole) => whole && sliceRange(whole, range))),
      options,
    );
    // A shard's index (its suffix) is part of reading its chunks; each chunk is a range of its own.
    if (bytes !== undefined && !('suffixLength' in range)) this.traffic.chunksFetched += 1;
    return bytes;
  }

  async has(key: AbsoluteKey, options?: RequestOptions): Promise<boolean> {
    if (this.inner.has) return this.inner.has(key, { signal: bothSignals(options?.signal, this.signal) });
    return (await this.get(key, options)) !== undefined;
  }

  /** Counts a request's bytes and retries: as they arrive over the request layer, else (local files) its result. */
  private async counted(request: (options: RequestOptions) => Promise<Uint8Array | undefined>, options: RequestOptions | undefined): Promise<Uint8Array | undefined> {
    let streamed = 0;
    const bytes = await request({
      signal: bothSignals(options?.signal, this.signal),
      onEvent: (event) => {
        if (event.kind === 'bytes') {
          streamed += event.count;
          this.traffic.bytesFetched += event.count;
        } else {
          this.traffic.retries += 1;
          this.traffic.lastRetry = event;
        }
        for (const watcher of this.watchers) watcher(event);
        options?.onEvent?.(event);
      },
    });
    if (bytes !== undefined && streamed === 0) this.traffic.bytesFetched += bytes.byteLength;
    return bytes;
  }
}

/** Serves metadata keys from consolidated metadata, so that they cost no requests. */
class ConsolidatedStore implements KeyValueReader {
  private readonly encoded = new Map<string, Uint8Array>();
  constructor(
    private readonly inner: ObservedStore,
    metadata: Record<string, unknown>,
  ) {
    const encoder = new TextEncoder();
    for (const [key, value] of Object.entries(metadata)) this.encoded.set(`/${key}`, encoder.encode(stringifyMetadataJson(value)));
  }

  async get(key: AbsoluteKey, options?: RequestOptions): Promise<Uint8Array | undefined> {
    // Consolidated metadata lists every metadata key of the store: one not listed does not exist.
    if (METADATA_KEY.test(key)) return this.encoded.get(key);
    return this.inner.get(key, options);
  }

  getRange(key: AbsoluteKey, range: zarr.RangeQuery, options?: RequestOptions): Promise<Uint8Array | undefined> {
    return this.inner.getRange(key, range, options);
  }

  async has(key: AbsoluteKey, options?: RequestOptions): Promise<boolean> {
    if (METADATA_KEY.test(key)) return this.encoded.has(key);
    return this.inner.has(key, options);
  }
}

export interface OpenArrayOptions {
  /**
   * 'whole' (default): every chunk is decoded whole, by zarrita, so chunks are held to
   * SHAPE_LIMITS.chunkBytes. 'blockwise': the caller reads chunks block by block (latent-chunks.ts)
   * and holds larger ones to SHAPE_LIMITS.blockwiseChunkBytes.
   */
  chunks?: 'whole' | 'blockwise';
}

export interface ZarrSource {
  /** Where the store is, for messages: a URL or a path. */
  readonly location: string;
  readonly format: 2 | 3;
  readonly consolidated: boolean;
  /** Attributes of the root group. */
  readonly attributes: Readonly<Record<string, unknown>>;
  /** Names of the root's arrays; undefined when the store has no consolidated metadata to list them. */
  readonly arrayNames: readonly string[] | undefined;
  readonly traffic: Readonly<Traffic>;
  /** Calls `watcher` on every byte count and retry of this store's requests until the returned function is called. */
  watch(watcher: (event: RequestEvent) => void): () => void;
  /** Opens a root array by name; undefined when there is none. */
  openArray(name: string, options?: OpenArrayOptions): Promise<ZarrArray | undefined>;
  /**
   * Whether the stored chunk (or shard) holding the element at `index` of an array this source
   * opened exists: a missing one reads as the fill value. One HEAD request (or stat), no data read.
   */
  holdsData(array: ZarrArray, index: readonly number[], options?: { signal?: AbortSignal }): Promise<boolean>;
}

/**
 * Opens an http(s) store through `requests` (the process's default request layer when left out),
 * with credentials given apart or in the URL; its location (in every message) holds none.
 */
export function openHttpSource(url: string, options: SourceOptions & { requests?: RequestLayer; credentials?: StoreCredentials } = {}): Promise<ZarrSource> {
  return openZarrSource(new HttpStore(url, options.requests, options.credentials), redactUrl(url), options);
}

export interface SourceOptions {
  /** Cancels the opening and every later read of the store (CancelledError). */
  signal?: AbortSignal;
}

/** A signal that aborts when either does. */
function bothSignals(first: AbortSignal | undefined, second: AbortSignal | undefined): AbortSignal | undefined {
  return first && second ? AbortSignal.any([first, second]) : (first ?? second);
}

/** Opens the root group of a store: consolidated v2, plain v2 or v3, in that order of preference. */
export async function openZarrSource(reader: KeyValueReader, location: string, options: SourceOptions = {}): Promise<ZarrSource> {
  const observed = new ObservedStore(reader, location, options.signal);
  const consolidated = await observed.get('/.zmetadata');
  if (consolidated) {
    const { metadata } = parseMetadata(consolidated, '.zmetadata', location);
    if (!isRecord(metadata)) throw new NotZarrError(location, ".zmetadata has no 'metadata' object");
    const store = new ConsolidatedStore(observed, metadata);
    const attributes = readJsonRecord(metadata['.zattrs']);
    const arrayNames = Object.keys(metadata)
      .filter((key) => /^[^/]+\/\.zarray$/.test(key))
      .map((key) => key.slice(0, -'/.zarray'.length));
    return makeSource(store, observed, location, 2, true, attributes, arrayNames);
  }
  const group = await observed.get('/.zgroup');
  if (group) {
    const attributes = readJsonRecord(await observed.get('/.zattrs').then((bytes) => bytes && parseMetadata(bytes, '.zattrs', location)));
    return makeSource(observed, observed, location, 2, false, attributes, undefined);
  }
  const v3Root = await observed.get('/zarr.json');
  if (v3Root) {
    const root = parseMetadata(v3Root, 'zarr.json', location);
    if (root.node_type !== 'group') throw new NotZarrError(location, `zarr.json describes a ${String(root.node_type)}, not a group of variables`);
    const listed = isRecord(root.consolidated_metadata) ? root.consolidated_metadata.metadata : undefined;
    const arrayNames = isRecord(listed)
      ? Object.entries(listed)
          .filter(([name, meta]) => !name.includes('/') && isRecord(meta) && meta.node_type === 'array')
          .map(([name]) => name)
      : undefined;
    return makeSource(observed, observed, location, 3, arrayNames !== undefined, readJsonRecord(root.attributes), arrayNames);
  }
  if (/^https?:/i.test(location)) throw new HttpStatusError(location, 404);
  throw new NotZarrError(location, 'it has none of .zmetadata, .zgroup or zarr.json');
}

function makeSource(
  store: ObservedStore | ConsolidatedStore,
  observed: ObservedStore,
  location: string,
  format: 2 | 3,
  consolidated: boolean,
  attributes: Record<string, unknown>,
  arrayNames: string[] | undefined,
): ZarrSource {
  const root = zarr.root(store);
  const declarations = new WeakMap<ZarrArray, { name: string; declared: DeclaredArray }>();
  return {
    location,
    format,
    consolidated,
    attributes,
    arrayNames,
    traffic: observed.traffic,
    watch(watcher) {
      observed.watchers.add(watcher);
      return () => observed.watchers.delete(watcher);
    },
    async openArray(name, options = {}) {
      const location = root.resolve(name);
      const chunkLimit = options.chunks === 'blockwise' ? SHAPE_LIMITS.blockwiseChunkBytes : SHAPE_LIMITS.chunkBytes;
      if (format === 2) {
        const meta = await store.get(`/${name}/.zarray`);
        if (!meta) return undefined;
        const parsed = parseMetadata(meta, `${name}/.zarray`, this.location);
        checkV2Encoding(name, parsed);
        const declared = declaredArray(name, this.location, parsed, 2, chunkLimit);
        const array = withChunkIntegrity(await zarr.open.v2(location, { kind: 'array' }), name, this.location, declared);
        declarations.set(array, { name, declared });
        return array;
      }
      const meta = await store.get(`/${name}/zarr.json`);
      if (!meta) return undefined;
      const parsed = parseMetadata(meta, `${name}/zarr.json`, this.location);
      if (parsed.node_type !== 'array') return undefined;
      checkV3Encoding(name, parsed);
      const declared = declaredArray(name, this.location, parsed, 3, chunkLimit);
      const array = withChunkIntegrity(await zarr.open.v3(location, { kind: 'array' }), name, this.location, declared);
      declarations.set(array, { name, declared });
      return array;
    },
    holdsData(array, index, options) {
      const known = declarations.get(array);
      if (!known) throw new RangeError(`${array.path} was not opened by the source of ${location}`);
      const { name, declared } = known;
      // The stored object: the chunk, or for a sharded array the shard holding it.
      const stored = declared.shardShape ?? declared.chunkShape;
      return store.has(`/${name}/${declared.storedKey(index.map((i, d) => Math.floor(i / stored[d])))}`, options);
    },
  };
}

// Numeric dtypes only: ERA5 fields are floats (or packed integers), coordinates floats or int64.
const SUPPORTED_V2_DTYPE = /^[<>|](f4|f8|i1|i2|i4|i8|u1|u2|u4|u8)$/;
const SUPPORTED_V3_DTYPES = new Set(['float32', 'float64', 'int8', 'int16', 'int32', 'int64', 'uint8', 'uint16', 'uint32', 'uint64']);
const SUPPORTED_BLOSC_CNAMES = new Set(['lz4', 'lz4hc', 'zstd', 'blosclz', 'zlib']);

function checkV2Encoding(name: string, meta: Record<string, unknown>): void {
  const dtype = String(meta.dtype);
  if (!SUPPORTED_V2_DTYPE.test(dtype)) throw new UnsupportedEncodingError(name, 'dtype', dtype);
  const codecs = [meta.compressor, ...(Array.isArray(meta.filters) ? meta.filters : [])].filter((codec) => codec !== null && codec !== undefined);
  for (const codec of codecs) {
    const id = isRecord(codec) ? String(codec.id) : String(codec);
    if (!zarr.registry.has(`numcodecs.${id}`) && !zarr.registry.has(id)) throw new UnsupportedEncodingError(name, 'codec', id);
    if (id === 'blosc' && isRecord(codec) && !SUPPORTED_BLOSC_CNAMES.has(String(codec.cname))) {
      throw new UnsupportedEncodingError(name, 'codec', `blosc with ${String(codec.cname)}`);
    }
  }
}

function checkV3Encoding(name: string, meta: Record<string, unknown>): void {
  const dtype = String(meta.data_type);
  if (!SUPPORTED_V3_DTYPES.has(dtype)) throw new UnsupportedEncodingError(name, 'dtype', dtype);
  checkV3Codecs(name, meta.codecs);
}

/** Every codec of a v3 pipeline must be registered; a sharded array's inner and index pipelines too. */
function checkV3Codecs(name: string, codecs: unknown): void {
  for (const codec of Array.isArray(codecs) ? codecs : []) {
    const id = isRecord(codec) ? String(codec.name) : String(codec);
    if (id === 'sharding_indexed' && isRecord(codec) && isRecord(codec.configuration)) {
      checkV3Codecs(name, codec.configuration.codecs);
      checkV3Codecs(name, codec.configuration.index_codecs);
    } else if (!zarr.registry.has(id)) throw new UnsupportedEncodingError(name, 'codec', id);
  }
}

function parseMetadata(bytes: Uint8Array, key: string, location: string): Record<string, unknown> {
  const text = new TextDecoder().decode(bytes);
  let parsed: unknown;
  try {
    parsed = parseMetadataJson(text);
  } catch {
    const start = text.slice(0, 40).replace(/\s+/g, ' ').trim();
    throw new NotZarrError(location, `its ${key.replace(/^\//, '')} is not JSON metadata (it starts with "${start}")`);
  }
  if (!isRecord(parsed)) throw new NotZarrError(location, `its ${key.replace(/^\//, '')} is not a JSON object`);
  return parsed;
}

function readJsonRecord(value: unknown): Record<string, unknown> {
  return isRecord(value) ? value : {};
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
