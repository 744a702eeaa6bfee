// Node-only store access: local directories, and the one entry point that takes any address the CLI accepts.
import { readFile, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { parseStoreAddress } from './address.ts';
import { throwIfCancelled } from '../errors.ts';
import { NotZarrError } from './errors.ts';
import type { RequestOptions } from './request.ts';
import { HttpStore, openHttpSource, openZarrSource, type AbsoluteKey, type KeyValueReader, type ZarrSource } from './store.ts';

/** A store in a local directory; a missing file is a missing key. */
export class FileStore implements KeyValueReader {
  constructor(readonly root: string) {}

  async get(key: AbsoluteKey, options?: RequestOptions): Promise<Uint8Array | undefined> {
    throwIfCancelled(options?.signal);
    try {
      return new Uint8Array(await readFile(join(this.root, ...key.slice(1).split('/'))));
    } catch (error) {
      if (isNodeError(error) && (error.code === 'ENOENT' || error.code === 'ENOTDIR')) return undefined;
      throw error;
    }
  }
}

/** Opens a store given by any address of src/data/address.ts: http(s), gs://, s3://, a local path or file:// URL. */
export async function openSource(location: string): Promise<ZarrSource> {
  const address = parseStoreAddress(location, 'filesystem');
  if (address.kind === 'http') return openHttpSource(address.url);
  return openZarrSource(await openReader(location), location);
}

/** The key-value reader behind any address of src/data/address.ts, for readers that build on keys (src/data/latent-store.ts). */
export async function openReader(location: string): Promise<KeyValueReader> {
  const address = parseStoreAddress(location, 'filesystem');
  if (address.kind === 'http') return new HttpStore(address.url);
  const root = resolve(address.path);
  const info = await stat(root).catch(() => undefined);
  if (!info?.isDirectory()) throw new NotZarrError(location, 'there is no directory at this path');
  return new FileStore(root);
}

function isNodeError(error: unknown): error is NodeJS.ErrnoException {
  return error instanceof Error && 'code' in error;
}
