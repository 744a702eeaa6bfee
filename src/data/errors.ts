// Typed failures of the data layer. Every message says what went wrong and what to do about it,
// because the UI and the CLI show `message` to the person as it is.
import { ProductError } from '../errors.ts';
import { redactText } from './redact.ts';

/** What kind of failure; lets the UI pick an icon or a hint without parsing messages. */
export type DataErrorKind =
  | 'address'
  | 'unreachable'
  | 'http-status'
  | 'timeout'
  | 'connection-lost'
  | 'not-zarr'
  | 'layout'
  | 'missing-variable'
  | 'variable-mapping'
  | 'levels'
  | 'chunk-too-large'
  | 'time-not-in-store'
  | 'missing-previous-step'
  | 'time-encoding'
  | 'unsupported-encoding'
  | 'non-finite-input'
  | 'irregular-grid'
  | 'grid-shape'
  | 'grid-mismatch'
  | 'not-latent-store'
  | 'latent-layout'
  | 'missing-chunk'
  | 'invalid-shape'
  | 'damaged-chunk'
  | 'region';

export abstract class DataError extends ProductError {
  abstract override readonly kind: DataErrorKind;
}

/** What was typed as a store's address is not one (src/data/address.ts lists the forms). */
export class StoreAddressError extends DataError {
  readonly kind = 'address';
  constructor(
    readonly typed: string,
    readonly detail: string,
    fix = 'Give an http(s) URL, gs://BUCKET/PATH (Google Cloud Storage), s3://BUCKET/PATH (Amazon S3), a path on this site, or in the CLI a local directory.',
  ) {
    super(`'${typed}' is not a store address: ${detail}. ${fix}`);
  }
}

/** How often a request was tried and for how long, for messages after retries. */
export interface Tries {
  count: number;
  elapsedMs: number;
}

/** The request never got an answer: DNS, refused connection, CORS, offline. */
export class StoreUnreachableError extends DataError {
  readonly kind = 'unreachable';
  constructor(
    readonly url: string,
    cause: unknown,
    readonly tries?: Tries,
  ) {
    super(
      `Could not reach ${url} (${describeCause(cause)}${tries ? `; ${describeTries(tries)}` : ''}). Check the address and your connection; ` +
        'in a browser the server must also allow cross-origin requests (CORS) from this page.',
      { cause },
    );
  }
}

/** The server answered with an error status: 401/403 (private), 404 (nothing there) or other. */
export class HttpStatusError extends DataError {
  readonly kind = 'http-status';
  constructor(
    readonly url: string,
    readonly status: number,
    readonly tries?: Tries,
    /** What the server's Retry-After asked for, when it asked for longer than we wait. */
    readonly retryAfterMs?: number,
    /** Whether the request carried credentials (then a 401 or 403 means they were refused). */
    readonly credentialsSent = false,
  ) {
    super(
      `${url} answered HTTP ${status}${tries ? ` (${describeTries(tries)})` : ''}: ${statusAdvice(status, credentialsSent)}` +
        (retryAfterMs === undefined ? '' : ` The server asks to wait ${seconds(retryAfterMs)} before trying again.`),
    );
  }
}

/** No answer, or not all of it, in the time allowed: a hung or very slow server. */
export class RequestTimeoutError extends DataError {
  readonly kind = 'timeout';
  constructor(
    readonly url: string,
    readonly waitedMs: number,
    readonly bytesReceived: number,
    readonly bytesExpected: number | undefined,
    readonly stage: 'answer' | 'body',
  ) {
    super(
      (stage === 'answer'
        ? `${url} did not answer in ${seconds(waitedMs)}. `
        : `${url} sent ${bytes(bytesReceived)}${bytesExpected === undefined ? '' : ` of ${bytes(bytesExpected)}`} in ${seconds(waitedMs)} and then too slowly or not at all. `) +
        'The server is stuck or very slow: try again later, or allow more time (app: Wait for a server, under Data; CLI: --timeout SECONDS).',
    );
  }
}

/** The connection closed in the middle of an answer, on every try. */
export class ConnectionLostError extends DataError {
  readonly kind = 'connection-lost';
  constructor(
    readonly url: string,
    readonly bytesReceived: number,
    readonly bytesExpected: number | undefined,
    readonly tries: Tries,
    cause: unknown,
  ) {
    super(
      `The connection to ${url} closed after ${bytes(bytesReceived)}${bytesExpected === undefined ? '' : ` of ${bytes(bytesExpected)}`} ` +
        `(${describeCause(cause)}; ${describeTries(tries)}). The server or the network failed: try again later.`,
      { cause },
    );
  }
}

/** Something answered, but it is not a Zarr store (an HTML page, no metadata, malformed JSON). */
export class NotZarrError extends DataError {
  readonly kind = 'not-zarr';
  constructor(
    readonly location: string,
    readonly detail: string,
  ) {
    super(
      `${location} is not a Zarr store: ${detail}. Give the address of the store's root ` +
        '(the folder holding .zmetadata or .zgroup, or zarr.json for Zarr v3).',
    );
  }
}

/** Neither known layout's variables were found, so the layout could not be detected. */
export class LayoutDetectionError extends DataError {
  readonly kind = 'layout';
  constructor(
    readonly location: string,
    readonly found: readonly string[],
    /** The variable that marks each layout: WeatherBench2's, then the CDS's. */
    markers: readonly [string, string] = ['2m_temperature', 't2m'],
  ) {
    super(
      `Could not tell the layout of ${location}: it has neither '${markers[0]}' (WeatherBench2 layout) ` +
        `nor '${markers[1]}' (CDS layout). Variables found: ${listOrNone(found)}. ` +
        'Choose the layout explicitly, or point at an ERA5 store.',
    );
  }
}

/** A variable (or a coordinate, or some levels) the store does not have; `fix` says what to do. */
export class MissingVariableError extends DataError {
  readonly kind = 'missing-variable';
  constructor(
    /** The variable in words, e.g. "2 m temperature (2t)". */
    readonly variable: string,
    readonly location: string,
    /** What was looked for, e.g. "none of '2m_temperature', 't2m', '2t' is there". */
    readonly detail: string,
    /** The store's names closest to what was looked for. */
    readonly suggestions: readonly string[] = [],
    fix = '',
    /** `variable` names several ("The static fields (...)"). */
    plural = false,
  ) {
    super(
      `${variable} ${plural ? 'are' : 'is'} not in ${location}: ${detail}.` +
        (suggestions.length > 0 ? ` Did you mean ${suggestions.map((name) => `'${name}'`).join(' or ')}?` : '') +
        (fix === '' ? '' : ` ${fix}`),
    );
  }
}

/** A variable mapping (`--var 2t=t2m`, or the app's variable names) that cannot be read. */
export class VariableMappingError extends DataError {
  readonly kind = 'variable-mapping';
  constructor(
    readonly item: string,
    readonly detail: string,
  ) {
    super(`Variable mapping '${item}': ${detail}.`);
  }
}

/** Pressure levels that cannot be encoded: none of Aurora's in the store, or a chosen level it lacks. */
export class LevelsError extends DataError {
  readonly kind = 'levels';
  constructor(detail: string) {
    super(`Pressure levels: ${detail}.`);
  }
}

/** Chunks too large to decode, refused from the metadata before any is read. */
export class ChunkTooLargeError extends DataError {
  readonly kind = 'chunk-too-large';
  constructor(
    readonly variable: string,
    readonly chunkShape: readonly number[],
    readonly dtype: string,
    readonly chunkBytes: number,
    readonly limitBytes: number,
  ) {
    super(
      `Variable '${variable}' is stored in chunks of ${chunkShape.join(' × ')} ${dtype} = ${formatBytes(chunkBytes)} each, uncompressed; ` +
        `this product decodes chunks of at most ${formatBytes(limitBytes)} (its WebAssembly decoders fail on larger ones). ` +
        'Rechunk the store with fewer values per chunk (e.g. one time step per chunk), or use a store chunked that way.',
    );
  }
}

/** Bytes as people read them: 1.30 GB, 512 MiB stays binary where it is a power of two. */
export function formatBytes(bytes: number): string {
  const mib = bytes / 2 ** 20;
  if (Number.isInteger(mib) && mib >= 1) return mib >= 1024 && Number.isInteger(mib / 1024) ? `${mib / 1024} GiB` : `${mib} MiB`;
  if (bytes >= 1e9) return `${(bytes / 1e9).toFixed(2)} GB`;
  if (bytes >= 1e6) return `${(bytes / 1e6).toFixed(1)} MB`;
  if (bytes >= 1e3) return `${(bytes / 1e3).toFixed(1)} kB`;
  return `${bytes} B`;
}

export class TimeNotInStoreError extends DataError {
  readonly kind = 'time-not-in-store';
  constructor(
    readonly time: Date,
    readonly nearest: readonly Date[],
  ) {
    super(
      `${formatTime(time)} is not in the store. ` +
        (nearest.length > 0
          ? `Nearest available times: ${nearest.map(formatTime).join(', ')}.`
          : 'The store has no times at all.'),
    );
  }
}

export class MissingPreviousStepError extends DataError {
  readonly kind = 'missing-previous-step';
  constructor(
    readonly time: Date,
    readonly previous: Date,
  ) {
    super(
      `${formatTime(time)} is in the store but its previous step ${formatTime(previous)} is not; ` +
        'Aurora needs both. Pick a time whose previous 6-hourly step is also in the store.',
    );
  }
}

/** A time coordinate this product cannot decode (units or calendar). */
export class TimeEncodingError extends DataError {
  readonly kind = 'time-encoding';
  constructor(
    readonly variable: string,
    readonly detail: string,
  ) {
    super(`Cannot decode the times of '${variable}': ${detail}.`);
  }
}

export class UnsupportedEncodingError extends DataError {
  readonly kind = 'unsupported-encoding';
  constructor(
    readonly variable: string,
    readonly what: 'codec' | 'dtype',
    readonly value: string,
    cause?: unknown,
  ) {
    super(
      `Variable '${variable}' uses the ${what} '${value}', which this product cannot read. ` +
        (what === 'codec'
          ? 'Supported: blosc (lz4, zstd), zstd, gzip, zlib and uncompressed chunks; re-encode the store with one of them.'
          : 'Supported: float32, float64 and (for packed data with scale_factor) integer types.'),
      { cause },
    );
  }
}

export interface NonFiniteLocation {
  variable: string;
  time: Date | undefined;
  level: number | undefined;
  lat: number;
  lon: number;
  /** A static field: its gaps cannot be avoided by choosing another time. */
  isStatic?: boolean;
}

/** NaN or infinity in the inputs: the encoder would spread it over the whole patch and beyond. */
export class NonFiniteInputError extends DataError {
  readonly kind = 'non-finite-input';
  constructor(
    readonly first: NonFiniteLocation,
    readonly count: number,
  ) {
    const { variable, time, level, lat, lon, isStatic } = first;
    super(
      `${count} missing or non-finite value(s) (NaN, e.g. a missing chunk) in '${variable}'` +
        (level === undefined ? '' : ` at ${level} hPa`) +
        (time === undefined ? '' : ` at ${formatTime(time)}`) +
        `, first at lat ${lat.toFixed(2)}, lon ${lon.toFixed(2)}. ` +
        (isStatic
          ? 'The encoder cannot take gaps, and a static field has them at every time: give a static store without gaps (--static, or the Static store field in the app).'
          : 'The encoder cannot take gaps: choose another time or a region without them.'),
    );
  }
}

/** Coordinates that do not form a regular latitude-longitude grid. */
export class IrregularGridError extends DataError {
  readonly kind = 'irregular-grid';
  constructor(
    readonly axis: 'latitude' | 'longitude',
    readonly detail: string,
    fix = 'Aurora needs a regular latitude-longitude grid (e.g. ERA5 at 0.25 degrees); regrid the data first.',
  ) {
    super(`The ${axis} coordinate is not a regular grid: ${detail}. ${fix}`);
  }
}

/** A regular grid whose size Aurora cannot patch. */
export class GridShapeError extends DataError {
  readonly kind = 'grid-shape';
  constructor(detail: string) {
    super(`The grid cannot be cut into Aurora's 4 x 4 patches: ${detail}.`);
  }
}

/** A second store's grid (atmospheric or static) is not the surface store's grid. */
export class GridMismatchError extends DataError {
  readonly kind = 'grid-mismatch';
  constructor(
    detail: string,
    readonly which: 'atmospheric store' | 'static store' = 'static store',
  ) {
    super(`The ${which} is on a different grid from the surface store: ${detail}. Use stores on the same grid.`);
  }
}

/** A store opened as a latent store that is not one (no `surface_latent`). */
export class NotLatentStoreError extends DataError {
  readonly kind = 'not-latent-store';
  constructor(
    readonly location: string,
    readonly missing: string,
    readonly found: readonly string[],
  ) {
    super(
      `${location} is not a latent store: it has no '${missing}' (time, embed, lat, lon). Variables found: ${listOrNone(found)}. ` +
        (found.includes('2m_temperature') || found.includes('t2m')
          ? 'It looks like an ERA5 store: open it as "ERA5 + model" (the CLI\'s --store) instead.'
          : "A latent store in the study's layout holds surface_latent and atmos_latent; check the address."),
    );
  }
}

/** A latent store whose variables or coordinates do not fit the study's layout. */
export class LatentLayoutError extends DataError {
  readonly kind = 'latent-layout';
  constructor(
    readonly location: string,
    readonly detail: string,
  ) {
    super(
      `${location} is not in the study's latent-store layout: ${detail}. Expected surface_latent (time, embed, lat, lon) and ` +
        'atmos_latent (time, embed, level, lat, lon), in any dimension order, with lat/lon patch-centre coordinates and a CF time.',
    );
  }
}

/** A chunk the store's metadata promises is not there: in a latent store that is never a fill value. */
export class MissingChunkError extends DataError {
  readonly kind = 'missing-chunk';
  constructor(
    readonly location: string,
    readonly key: string,
    readonly what?: string,
  ) {
    super(
      `${location} has no chunk '${key}'${what ? ` (${what})` : ''}: the store is incomplete, or still being written. ` +
        'Choose another time, or finish the store (a rerun of `latent-explorer encode --times ... --out` writes only what is missing).',
    );
  }
}

/** Metadata that declares a shape this product refuses to allocate or cannot trust (src/data/integrity.ts). */
export class InvalidShapeError extends DataError {
  readonly kind = 'invalid-shape';
  constructor(
    readonly variable: string,
    readonly location: string,
    readonly detail: string,
  ) {
    super(
      `'${variable}' in ${location} cannot be read: ${detail}. Nothing was read from it. ` +
        'The store\'s metadata is wrong, or this is not a store of the ERA5 grids this product reads.',
    );
  }
}

export type ChunkDamage =
  | { kind: 'undecodable'; codec: string; cause: unknown }
  | { kind: 'wrong-size'; expected: { values: number; bytes: number; shape: string }; actual: { values: number; bytes: number } };

/** A chunk that fails to decode or decodes to another size than its metadata says: the store is damaged. */
export class DamagedChunkError extends DataError {
  readonly kind = 'damaged-chunk';
  constructor(
    readonly variable: string,
    readonly location: string,
    readonly chunkKey: string,
    readonly damage: ChunkDamage,
  ) {
    const chunk = `Chunk ${chunkKey} of '${variable}' in ${location}`;
    super(
      (damage.kind === 'undecodable'
        ? `${chunk} cannot be decoded (${damage.codec}: ${describeCause(damage.cause)}): the store is damaged, e.g. a truncated or corrupted chunk. `
        : `${chunk} decodes to ${damage.actual.values.toLocaleString('en-US')} values (${bytes(damage.actual.bytes)}), but its metadata says ` +
          `${damage.expected.values.toLocaleString('en-US')} (${damage.expected.shape}, ${bytes(damage.expected.bytes)}): the store is damaged, or its metadata is wrong. `) +
        'Nothing was computed from it. Copy the store (or this chunk) again from its source, or use another copy.',
      { cause: damage.kind === 'undecodable' ? damage.cause : undefined },
    );
  }
}

/** A region (a box, a longitude band) that holds no patch of the grid, or whose bounds are reversed. */
export class RegionError extends DataError {
  readonly kind = 'region';
  constructor(detail: string) {
    super(`${detail}: widen the region, or give its bounds south to north and west to east.`);
  }
}

/** ISO form without milliseconds, e.g. 2022-08-07T06:00Z: what people type and read. */
export function formatTime(time: Date): string {
  return Number.isNaN(time.getTime()) ? 'an invalid date' : time.toISOString().replace(':00.000Z', 'Z');
}

function statusAdvice(status: number, credentialsSent: boolean): string {
  if ((status === 401 || status === 403) && credentialsSent) {
    return 'access denied with the credentials given. Check the token (Earth Data Hub tokens can be revoked or expire) and that it is for this store.';
  }
  if (status === 401 || status === 403) {
    return 'access denied. The store is private or needs credentials: give a token (--token in the CLI, the Token field in the app) or put it in the URL as https://USER:TOKEN@host/..., as Earth Data Hub documents.';
  }
  if (status === 404) return 'nothing at this address. Check the URL (it should end at the store root, e.g. .../era5.zarr).';
  if (status === 429) return 'too many requests. Wait a while, then try again.';
  if (status >= 500) return 'the server failed. Try again later.';
  return 'unexpected answer from the server.';
}

function describeTries({ count, elapsedMs }: Tries): string {
  return `${count} ${count === 1 ? 'try' : 'tries'} over ${seconds(elapsedMs)}`;
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(ms < 10_000 ? 1 : 0)} s`;
}

function bytes(count: number): string {
  return `${count.toLocaleString('en-US')} bytes`;
}

/** A cause in words, with any URL in it redacted (a fetch error may quote the URL it was given). */
function describeCause(cause: unknown): string {
  if (cause instanceof Error) {
    const inner = cause.cause instanceof Error ? `: ${cause.cause.message}` : '';
    return redactText(`${cause.message}${inner}`);
  }
  return redactText(String(cause));
}

function listOrNone(names: readonly string[]): string {
  if (names.length === 0) return 'none';
  const shown = names.slice(0, 12).join(', ');
  return names.length > 12 ? `${shown}, ... (${names.length} in all)` : shown;
}
