// A latent store on disk, written by many processes at once (`encode --times RULE --shard K/N`):
// - the store is created whole (every time on its axis, no latents) in a directory of its own and
//   renamed into place, so one creator wins and the others find the very same bytes;
// - each time is written into its own chunks, each to a hidden temporary file renamed over its name, so
//   a chunk is whole or absent; a time is written when both its chunks are there (a reader takes a
//   missing chunk for an error, src/data/latent-store.ts, never for a time);
// - a rerun skips the times already written, so an interrupted job resumes.
import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { LatentLayoutError } from './errors.ts';
import { latentChunks, latentStoreSkeleton, planLatentStore, type LatentStoreDescription, type LatentStoreLayout } from './latent-store-writer.ts';
import { ZarrV2Writer, type Sink } from './zarr-writer.ts';

const PARTIAL_PREFIX = '.partial-';

export interface LatentStoreOnDisk {
  readonly dir: string;
  readonly layout: LatentStoreLayout;
  /** Whether time `index` is written (both its chunks are in place). */
  isWritten(index: number): Promise<boolean>;
  /** Writes time `index` from the encoder's (latent_levels, patches, D) latents. */
  writeTime(index: number, latents: Float32Array): Promise<void>;
  /** Removes temporary files that an interrupted writer of these times left behind. */
  removeLeftovers(indices: readonly number[]): Promise<void>;
}

/**
 * Opens the store at `dir` for writing, creating it when absent; a store there must have been created
 * from the same description (same times, patches, model, dtype and attributes), else LatentLayoutError.
 */
export async function openLatentStoreForWriting(dir: string, description: LatentStoreDescription): Promise<LatentStoreOnDisk> {
  const layout = planLatentStore(description, dir);
  const skeleton = await latentStoreSkeleton(layout);
  if (!(await exists(join(dir, '.zmetadata')))) await createOnce(dir, skeleton);
  await checkSameStore(dir, skeleton);

  const chunkPath = (name: string, index: number) => join(dir, name, [index, ...Array.from({ length: name === layout.surface.name ? 3 : 4 }, () => 0)].join('.'));
  const atomicSink: Sink = async (key, bytes) => {
    const path = join(dir, key);
    const temporary = join(dirname(path), `${PARTIAL_PREFIX}${process.pid}-${key.split('/').pop()}`);
    await writeFile(temporary, bytes);
    await rename(temporary, path);
  };
  const writer = new ZarrV2Writer(atomicSink);
  return {
    dir,
    layout,
    async isWritten(index) {
      return (await exists(chunkPath(layout.atmos.name, index))) && (await exists(chunkPath(layout.surface.name, index)));
    },
    async writeTime(index, latents) {
      const { surface, atmos } = latentChunks(layout, latents);
      // The surface chunk last: until it is there, the time reads as not written.
      await writer.writeChunk(layout.atmos, [index, 0, 0, 0, 0], atmos);
      await writer.writeChunk(layout.surface, [index, 0, 0, 0], surface);
    },
    async removeLeftovers(indices) {
      const wanted = new Set(indices);
      for (const name of [layout.surface.name, layout.atmos.name]) {
        for (const file of await readdir(join(dir, name))) {
          const index = /^\.partial-\d+-(\d+)\./.exec(file)?.[1];
          if (index !== undefined && wanted.has(Number(index))) await rm(join(dir, name, file), { force: true });
        }
      }
    },
  };
}

/** Writes the skeleton into a private directory and renames it to `dir`: of several creators, one wins. */
async function createOnce(dir: string, skeleton: Map<string, Uint8Array>): Promise<void> {
  const building = `${dir.replace(/\/+$/, '')}${PARTIAL_PREFIX}${process.pid}-${Date.now()}`;
  await rm(building, { recursive: true, force: true });
  for (const [key, bytes] of skeleton) {
    const path = join(building, key);
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, bytes);
  }
  try {
    await mkdir(dirname(building), { recursive: true });
    await rename(building, dir);
  } catch (error) {
    // Another process made it first (or a non-empty directory is there): the check that follows decides.
    await rm(building, { recursive: true, force: true });
    if (!isNodeError(error) || !['EEXIST', 'ENOTEMPTY', 'ENOTDIR', 'EISDIR'].includes(error.code ?? '')) throw error;
  }
}

/** What a differing file says about the store at `dir`, for the message. */
const MEANING: Readonly<Record<string, string>> = {
  'time/0': 'times',
  'lat/0': 'patch latitudes (grid or region)',
  'lon/0': 'patch longitudes (grid or region)',
  '.zattrs': 'attributes (model, its sha256, source store, variables or version)',
};

async function checkSameStore(dir: string, skeleton: Map<string, Uint8Array>): Promise<void> {
  if (!(await exists(join(dir, '.zmetadata')))) {
    throw new LatentLayoutError(dir, 'the directory exists but holds no Zarr store; remove it or write to another --out');
  }
  const differing: string[] = [];
  for (const [key, bytes] of skeleton) {
    const existing = await readFile(join(dir, key)).catch(() => undefined);
    if (!existing || !Buffer.from(bytes).equals(existing)) differing.push(key);
  }
  if (differing.length === 0) return;
  const what = [...new Set(differing.map((key) => MEANING[key] ?? (key.endsWith('.zarray') ? 'array shapes or dtype' : key)))];
  throw new LatentLayoutError(
    dir,
    `it was created for other work: its ${what.join(', ')} differ from this run's. To resume it, run with the same ` +
      '--store, --times, --region, --model and --dtype; otherwise write to another --out',
  );
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

function isNodeError(error: unknown): error is NodeJS.ErrnoException {
  return error instanceof Error && 'code' in error;
}
