// Node-only store access: local directories, and the one entry point that takes any address the CLI accepts.
import { open, readFile, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { parseStoreAddress, type HttpAddress, type StoreCredentials } from './address.ts';
import { throwIfCancelled } from '../errors.ts';
import { NotZarrError } from './errors.ts';
import type { RangeQuery } from 'zarrita';
import type { RequestOptions } from './request.ts';
import { HttpStore, openHttpSource, openZarrSource, type AbsoluteKey, type KeyValueReader, type SourceOptions, type ZarrSource } from './store.ts';

/** A store in a local directory; a missing file is a missing key. */
export class FileStore implements KeyValueReader {
  constructor(readonly root: string) {}

  get(key: AbsoluteKey, options?: RequestOptions): Promise<Uint8Array | undefined> {
    throwIfCancelled(options?.signal);
    return missingAsUndefined(async () => new Uint8Array(await readFile(this.pathOf(key))));
  }

  /** Reads only the range: a shard's index, then each chunk, without reading the whole shard. */
  getRange(key: AbsoluteKey, range: RangeQuery): Promise<Uint8Array | undefined> {
    return missingAsUndefined(async () => {
      const file = await open(this.pathOf(key));
      try {
        const size = (await file.stat()).size;
        const [offset, length] = 'suffixLength' in range ? [Math.max(0, size - range.suffixLength), Math.min(size, range.suffixLength)] : [range.offset, range.length];
        const bytes = new Uint8Array(Math.max(0, Math.min(length, size - offset)));
        await file.read(bytes, 0, bytes.length, offset);
        return bytes;
      } finally {
        await file.close();
      }
    });
  }

  async has(key: AbsoluteKey): Promise<boolean> {
    return (await missingAsUndefined(() => stat(this.pathOf(key)))) !== undefined;
  }

  private pathOf(key: AbsoluteKey): string {
    return join(this.root, ...key.slice(1).split('/'));
  }
}

/** A missing file (or a path through a file) is a missing key. */
async function missingAsUndefined<T>(read: () => Promise<T>): Promise<T | undefined> {
  try {
    return await read();
  } catch (error) {
    if (isNodeError(error) && (error.code === 'ENOENT' || error.code === 'ENOTDIR')) return undefined;
    throw error;
  }
}

export interface OpenSourceOptions extends SourceOptions {
  /** A token for an http(s) store whose URL holds no credentials of its own: sent as Authorization: Bearer. */
  token?: string;
}

/**
 * Opens a store given by any address of src/data/address.ts: http(s) (with credentials in the URL,
 * or a token), gs://, s3://, a local path or file:// URL.
 */
export async function openSource(location: string, options: OpenSourceOptions = {}): Promise<ZarrSource> {
  const address = parseStoreAddress(location, 'filesystem');
  if (address.kind === 'http') return openHttpSource(address.url, { signal: options.signal, credentials: credentialsOf(address, options) });
  return openZarrSource(await openReader(location), location, { signal: options.signal });
}

/** The key-value reader behind any address of src/data/address.ts, for readers that build on keys (src/data/latent-store.ts). */
export async function openReader(location: string, options: OpenSourceOptions = {}): Promise<KeyValueReader> {
  const address = parseStoreAddress(location, 'filesystem');
  if (address.kind === 'http') return new HttpStore(address.url, undefined, credentialsOf(address, options));
  const root = resolve(address.path);
  const info = await stat(root).catch(() => undefined);
  if (!info?.isDirectory()) throw new NotZarrError(location, 'there is no directory at this path');
  return new FileStore(root);
}

/** The URL's own credentials, else the token given. */
function credentialsOf(address: HttpAddress, options: OpenSourceOptions): StoreCredentials | undefined {
  if (address.credentials) return address.credentials;
  return options.token ? { kind: 'bearer', token: options.token } : undefined;
}

function isNodeError(error: unknown): error is NodeJS.ErrnoException {
  return error instanceof Error && 'code' in error;
}
