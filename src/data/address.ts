// What a person types as a store's address, turned into where to read it: the one place that knows
// the address forms. Pure (no DOM, no Node), so the app, its workers and the CLI read addresses alike.
//   https://host/path/store.zarr     read as it is (http too)
//   gs://bucket/path/store.zarr      Google Cloud Storage: https://storage.googleapis.com/bucket/path/...
//   s3://bucket/path/store.zarr      Amazon S3: the bucket's public endpoint https://bucket.s3.amazonaws.com/path/...
//   /sample/era5-sample.zarr         in the browser: a path on this site (resolved against the page)
//   ./data/store.zarr, ~/x.zarr      in the CLI: a local directory (file:// URLs too)
//   https://edh:TOKEN@host/store.zarr  credentials in the URL, as Earth Data Hub documents: taken out of
//                                    the URL (fetch refuses them there) and sent as an Authorization header
import { StoreAddressError } from './errors.ts';
import { redactUrl } from './redact.ts';

/** How an address was written: what messages name beside the URL it is read as. */
export type AddressScheme = 'http' | 'https' | 'gs' | 's3' | 'path' | 'file';

/** A store read over http(s). */
export interface HttpAddress {
  kind: 'http';
  /** The URL the store is read from. */
  url: string;
  scheme: AddressScheme;
  /** What the person typed, trimmed and redacted: gs:// and s3:// addresses are shown as typed, with the URL beside. */
  typed: string;
  /** Credentials the URL held (user:password@); `url` and `typed` no longer hold them. */
  credentials?: StoreCredentials;
}

/**
 * Credentials for a store over http(s), sent in the Authorization header of each request and never
 * shown, stored or put in a link: a user and password from the URL (HTTP Basic, as Earth Data Hub's
 * https://edh:TOKEN@... works), or a token given apart (Bearer).
 */
export type StoreCredentials = { kind: 'basic'; user: string; password: string } | { kind: 'bearer'; token: string };

/** The Authorization header of some credentials. */
export function authorizationHeader(credentials: StoreCredentials): string {
  if (credentials.kind === 'bearer') return `Bearer ${credentials.token}`;
  const bytes = new TextEncoder().encode(`${credentials.user}:${credentials.password}`);
  return `Basic ${btoa(Array.from(bytes, (byte) => String.fromCharCode(byte)).join(''))}`;
}

/**
 * Credentials held for the servers of the stores a person gave (the app keeps them in the tab's memory):
 * each store is sent only those of its own server (origin), never another's.
 */
export type ServerCredentials = ReadonlyArray<{ origin: string; credentials: StoreCredentials }>;

/** The credentials held for the server of `url`, if any. */
export function credentialsForUrl(url: string, held: ServerCredentials): StoreCredentials | undefined {
  const origin = originOf(url);
  return held.find((entry) => entry.origin === origin)?.credentials;
}

/** The origin of an http(s) URL (scheme, host, port), or null when it is not one. */
export function originOf(url: string): string | null {
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'http:' || parsed.protocol === 'https:' ? parsed.origin : null;
  } catch {
    return null;
  }
}

/** A store in a local directory (the CLI only). */
export interface LocalAddress {
  kind: 'local';
  path: string;
  scheme: 'path' | 'file';
  typed: string;
}

export type StoreAddress = HttpAddress | LocalAddress;

/**
 * Where relative and local addresses lead:
 * - `{ pageUrl }` in the browser: a path is a path on the page's site, and local directories do not exist;
 * - `'filesystem'` in the CLI: a path is a local directory.
 */
export type AddressContext = { pageUrl: string } | 'filesystem';

const GCS_ENDPOINT = 'https://storage.googleapis.com';
/** Bucket names: lowercase letters, digits, dots, dashes and (GCS) underscores; 3..222 characters. */
const BUCKET_NAME = /^[a-z0-9][a-z0-9._-]{1,220}[a-z0-9]$/;
const SCHEME = /^([a-z][a-z0-9+.-]*):/i;
/** A Windows drive letter ("C:\\data") is a path, not a scheme. */
const DRIVE_LETTER = /^[a-z]:[\\/]/i;

/** Reads an address as typed; throws StoreAddressError naming what is wrong and the forms that work. */
export function parseStoreAddress(text: string, context: { pageUrl: string }): HttpAddress;
export function parseStoreAddress(text: string, context: AddressContext): StoreAddress;
export function parseStoreAddress(text: string, context: AddressContext): StoreAddress {
  const raw = text.trim();
  // Messages name the address as typed, without its credentials.
  const typed = redactUrl(raw);
  if (typed === '') throw new StoreAddressError(typed, 'it is empty');
  const scheme = DRIVE_LETTER.test(typed) ? undefined : SCHEME.exec(typed)?.[1].toLowerCase();
  switch (scheme) {
    case 'http':
    case 'https': {
      const { url, credentials } = checkedHttpUrl(raw, typed);
      return credentials ? { kind: 'http', url, scheme, typed, credentials } : { kind: 'http', url, scheme, typed };
    }
    case 'gs':
      return { kind: 'http', url: bucketUrl(typed, 'gs'), scheme, typed };
    case 's3':
      return { kind: 'http', url: bucketUrl(typed, 's3'), scheme, typed };
    case 'file':
      if (context !== 'filesystem') throw new StoreAddressError(typed, 'it names a folder on your computer, which a web page cannot read', SERVE_ADVICE);
      return { kind: 'local', path: fileUrlPath(typed), scheme: 'file', typed };
    case undefined: {
      if (context === 'filesystem') return { kind: 'local', path: typed, scheme: 'path', typed };
      // Resolved as fetch resolves it: '/\\host', '//host' and a tab or newline inside '//' all leave the site.
      const url = new URL(typed, context.pageUrl);
      if (url.origin !== new URL(context.pageUrl).origin) {
        throw new StoreAddressError(typed, `it has no scheme, so it would be a path on this site, but a browser reads it as ${redactUrl(url.href)} on ${url.host}; write that server's full http(s) URL if you mean it`);
      }
      return { kind: 'http', url: url.href, scheme: 'path', typed };
    }
    default:
      throw new StoreAddressError(typed, `'${scheme}:' is not a store address this product reads`);
  }
}

/**
 * Whether `text` is a path on the page's own site as a browser resolves it: it starts with '/' and stays
 * on the site's origin ('/\\127.0.0.1:8000/x', '//host/x' and encoded or whitespace variants do not).
 */
export function isSitePath(text: string): boolean {
  if (!text.startsWith('/')) return false;
  const site = 'http://site.invalid';
  try {
    return new URL(text, `${site}/`).origin === site;
  } catch {
    return false;
  }
}

/** The address in words for messages: as typed, with the URL it is read as when that differs. */
export function describeAddress(address: StoreAddress): string {
  if (address.kind === 'local') return address.path;
  return address.scheme === 'gs' || address.scheme === 's3' ? `${address.typed} (read as ${address.url})` : address.url;
}

/** Where the address is read from: the URL, or the local path. */
export function addressLocation(address: StoreAddress): string {
  return address.kind === 'http' ? address.url : address.path;
}

const SERVE_ADVICE = 'Serve the folder over http (allowing cross-origin requests) and give its http URL, or open it with the CLI.';

/** The URL without credentials, and the credentials it held. */
function checkedHttpUrl(raw: string, typed: string): { url: string; credentials?: StoreCredentials } {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new StoreAddressError(typed, 'it is not a valid URL');
  }
  if (url.hostname === '') throw new StoreAddressError(typed, 'the URL names no host');
  if (url.username === '' && url.password === '') return { url: url.href };
  const credentials: StoreCredentials = { kind: 'basic', user: decodeURIComponent(url.username), password: decodeURIComponent(url.password) };
  url.username = '';
  url.password = '';
  return { url: url.href, credentials };
}

/** gs://bucket/path and s3://bucket/path as the bucket's public https URL. */
function bucketUrl(typed: string, scheme: 'gs' | 's3'): string {
  const rest = typed.slice(`${scheme}://`.length);
  if (!typed.toLowerCase().startsWith(`${scheme}://`)) throw new StoreAddressError(typed, `write it as ${scheme}://BUCKET/PATH`);
  const [bucket, ...segments] = rest.split('/');
  if (!BUCKET_NAME.test(bucket) || (scheme === 's3' && bucket.includes('_'))) {
    throw new StoreAddressError(typed, `'${bucket}' is not a bucket name (lowercase letters, digits, dots and dashes); write it as ${scheme}://BUCKET/PATH`);
  }
  const path = segments
    .filter((segment) => segment !== '')
    .map((segment) => encodeURIComponent(segment))
    .join('/');
  const suffix = path === '' ? '' : `/${path}`;
  if (scheme === 'gs') return `${GCS_ENDPOINT}/${bucket}${suffix}`;
  // Virtual-hosted style reaches a bucket in any region; a dotted name breaks its TLS certificate, so path style.
  return bucket.includes('.') ? `https://s3.amazonaws.com/${bucket}${suffix}` : `https://${bucket}.s3.amazonaws.com${suffix}`;
}

function fileUrlPath(typed: string): string {
  try {
    return decodeURIComponent(new URL(typed).pathname);
  } catch {
    throw new StoreAddressError(typed, 'it is not a valid file:// URL');
  }
}
