// Node-only store access: local directories, and the one entry point that takes a path or a URL.
import { readFile, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { NotZarrError } from './errors.ts';
import { openHttpSource, openZarrSource, type AbsoluteKey, type KeyValueReader, type ZarrSource } from './store.ts';

/** A store in a local directory; a missing file is a missing key. */
export class FileStore implements KeyValueReader {
  constructor(readonly root: string) {}

  async get(key: AbsoluteKey): Promise<Uint8Array | undefined> {
    try {
      return new Uint8Array(await readFile(join(this.root, ...key.slice(1).split('/'))));
    } catch (error) {
      if (isNodeError(error) && (error.code === 'ENOENT' || error.code === 'ENOTDIR')) return undefined;
      throw error;
    }
  }
}

/** Opens a store given by an http(s) URL or a local path. */
export async function openSource(location: string): Promise<ZarrSource> {
  if (/^https?:\/\//i.test(location)) return openHttpSource(location);
  const root = resolve(location.replace(/^file:\/\//i, ''));
  const info = await stat(root).catch(() => undefined);
  if (!info?.isDirectory()) throw new NotZarrError(location, 'there is no directory at this path');
  return openZarrSource(new FileStore(root), location);
}

function isNodeError(error: unknown): error is NodeJS.ErrnoException {
  return error instanceof Error && 'code' in error;
}
