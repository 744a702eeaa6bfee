// Writes a Zarr store to a directory, for ZarrV2Writer.
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Sink } from './zarr-writer.ts';

/** A sink into a fresh directory (any old store there is removed first). */
export async function directorySink(root: string): Promise<Sink> {
  await rm(root, { recursive: true, force: true });
  await mkdir(root, { recursive: true });
  const made = new Set<string>([root]);
  return async (key, bytes) => {
    const path = join(root, ...key.split('/'));
    const folder = dirname(path);
    if (!made.has(folder)) {
      await mkdir(folder, { recursive: true });
      made.add(folder);
    }
    await writeFile(path, bytes);
  };
}
