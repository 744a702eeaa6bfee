// The latent source that reads a latent store (src/data/latent-store.ts): one time's chosen latent
// levels of the store's patches (or a region's), decoded straight into float32, and, when an ERA5
// store is given beside the latents, that store's inputs over the same patches. Land fractions come
// from a land-sea mask: a static store a person gives, else the ERA5 beside the latents (the mask the
// encoder saw, so that a store we wrote labels its patches as encoding on the fly does), else the
// shipped real ERA5 0.25-degree mask.
import type { Era5Dataset } from '../data/dataset.ts';
import { createPatchGrid, longitudeInRange, patchColumns, type LatLonBox, type PatchGrid } from '../data/geometry.ts';
import { patchLandFractions, type LandSeaMask } from '../data/land-sea-mask.ts';
import type { LatentStore, LatentStoreAttributes } from '../data/latent-store.ts';
import { loadBatch } from '../data/load-batch.ts';
import { throwIfCancelled } from '../errors.ts';
import { rawInputFeatures } from './baselines.ts';
import { kIndexLevelsFor, kIndexPatches } from './k-index.ts';
import { levelsToKeep, type LatentSource, type LatentSourceFacts, type ReadOptions } from './latent-source.ts';
import { summarisePatchInputs, type Era5PatchInputs } from './patch-inputs.ts';
import { StudyInputError } from './progress.ts';
import type { StudyPatches, StudyTime } from './study-time.ts';

export interface LatentStoreSourceOptions {
  store: LatentStore;
  /** The store's address in words (as typed, with the URL it is read as), for the source's name. */
  name: string;
  /** An ERA5 store beside the latents: its inputs over the same patches (study 2's 2 m temperature, the inspector, the raw patches). */
  era5?: Era5Dataset;
  /** The mask of the land fractions (a static store's, or the shipped one); null: the ERA5 store's own, which must then be given. */
  landSeaMask: LandSeaMask | null;
}

/** How the store's attributes are named for a person. */
const ATTRIBUTE_NAMES = { model: 'Model', modelSha256: 'Model sha256', checkpointSha256: 'Checkpoint sha256', sourceData: 'Source data' } as const;

/** What a latent store says of itself (model, checkpoint hash, source data), named for a person; only what it says. */
export function describeStoreAttributes(attributes: LatentStoreAttributes): Array<{ name: string; value: string }> {
  return Object.entries(ATTRIBUTE_NAMES).flatMap(([key, name]) => {
    const value = attributes[key as keyof typeof ATTRIBUTE_NAMES];
    return value === undefined ? [] : [{ name, value }];
  });
}

export function latentStoreSource(options: LatentStoreSourceOptions): LatentSource {
  const { store, era5 } = options;
  const attributes = describeStoreAttributes(store.attributes);
  const facts: LatentSourceFacts = {
    kind: 'latent-store',
    name: `latent store ${options.name}`,
    model: store.attributes.model === undefined ? null : { name: store.attributes.model, trained: null },
    levelCount: store.latentLevels,
    embedDim: store.embedDim,
    era5: era5 !== undefined,
    attributes,
  };
  if (options.landSeaMask === null && !era5) throw new StudyInputError('the land fractions need a land-sea mask: give a static store or an ERA5 store beside the latents');
  const { landSeaMask } = options;
  let maskFractions: Float64Array | null = null;
  const allPatches: StudyPatches = { grid: store.grid, indices: store.patchIndices, centreLat: store.centreLat, centreLon: store.centreLon };

  return {
    facts,
    times: store.times,
    timeNotices: store.timeNotices,
    async read(time: Date, read: ReadOptions = {}): Promise<StudyTime> {
      const timeIndex = store.timeIndex(time);
      const levels = levelsToKeep(facts, read.levels, [0]);
      const rows = read.region ? patchesIn(allPatches, read.region) : null;
      const patches = rows ? pickPatches(allPatches, rows) : allPatches;
      const count = patches.indices.length;
      const d = store.embedDim;

      let data: Float32Array | null = null;
      const bytesAtStart = store.traffic.bytesFetched;
      const retriesAtStart = store.traffic.retries;
      let chunksRead = 0;
      for (const [k, level] of levels.entries()) {
        throwIfCancelled(read.signal);
        const block = await store.read(timeIndex, level, {
          levelsNext: read.levelsNext,
          signal: read.signal,
          onProgress: (p) => {
            // Every level of a store is chunked alike.
            chunksRead = k * p.chunksTotal + p.chunksRead;
            const retries = store.traffic.retries - retriesAtStart;
            read.onProgress?.({
              stage: 'read',
              bytesFetched: store.traffic.bytesFetched - bytesAtStart,
              estimatedTotalBytes: null,
              chunksRead,
              chunksTotal: levels.length * p.chunksTotal,
              retries,
              lastRetry: retries > 0 ? (store.traffic.lastRetry ?? null) : null,
            });
          },
        });
        // One level of every patch is the block itself: no copy.
        if (levels.length === 1 && !rows) data = block;
        else {
          data ??= new Float32Array(levels.length * count * d);
          if (rows) rows.forEach((row, p) => data!.set(block.subarray(row * d, (row + 1) * d), (k * count + p) * d));
          else data.set(block, k * count * d);
        }
      }
      // ERA5's chunks and bytes follow the latents' in the read's progress.
      const latentsRead = { chunks: chunksRead, bytes: store.traffic.bytesFetched - bytesAtStart, retries: store.traffic.retries - retriesAtStart };
      const inputs = era5 ? await era5Inputs(era5, time, patches, read, latentsRead) : null;
      let landFraction: Float64Array;
      if (landSeaMask) {
        maskFractions ??= patchLandFractions(store.grid, store.patchIndices, landSeaMask);
        landFraction = rows ? Float64Array.from(rows, (row) => maskFractions![row]) : maskFractions;
      } else landFraction = inputs!.landFraction;
      return {
        time,
        patches,
        latents: { levels, levelCount: store.latentLevels, embedDim: d, data: data ?? new Float32Array(0) },
        landFraction,
        era5: inputs && inputs.era5,
      };
    },
    release: async () => undefined,
  };
}

/** Positions of the patches whose centres lie in the box. */
function patchesIn(patches: StudyPatches, region: LatLonBox): Int32Array {
  const rows: number[] = [];
  for (let p = 0; p < patches.indices.length; p++) {
    const lat = patches.centreLat[p];
    if (lat >= region.south && lat <= region.north && longitudeInRange(patches.centreLon[p], region.west, region.east)) rows.push(p);
  }
  if (rows.length === 0) throw new StudyInputError(`the region ${region.south}..${region.north} N, ${region.west}..${region.east} E holds none of the latent store's patches`);
  return Int32Array.from(rows);
}

function pickPatches(patches: StudyPatches, rows: Int32Array): StudyPatches {
  return {
    grid: patches.grid,
    indices: Int32Array.from(rows, (row) => patches.indices[row]),
    centreLat: Float64Array.from(rows, (row) => patches.centreLat[row]),
    centreLon: Float64Array.from(rows, (row) => patches.centreLon[row]),
  };
}

/**
 * ERA5's inputs over the latents' patches (and its land fractions): the batch of the same time over
 * their rows, on the same patch grid. Its progress continues the latents' (`before`: what they read).
 */
async function era5Inputs(
  era5: Era5Dataset,
  time: Date,
  patches: StudyPatches,
  read: ReadOptions,
  before: { chunks: number; bytes: number; retries: number },
): Promise<{ era5: Era5PatchInputs; landFraction: Float64Array }> {
  const south = patches.centreLat.reduce((a, b) => Math.min(a, b), 90);
  const north = patches.centreLat.reduce((a, b) => Math.max(a, b), -90);
  const batch = await loadBatch(era5, time, {
    region: { south, north },
    signal: read.signal,
    onProgress: (p) =>
      read.onProgress?.({
        stage: 'read',
        bytesFetched: before.bytes + p.bytesFetched,
        estimatedTotalBytes: null,
        chunksRead: before.chunks + p.chunksFetched,
        chunksTotal: before.chunks + p.chunksTotal,
        retries: before.retries + p.retries,
        lastRetry: p.lastRetry ?? null,
      }),
  });
  const grid = createPatchGrid(batch.lat, batch.lon, batch.rowOffset, batch.fullHeight);
  checkSameGrid(grid, patches.grid);
  const firstHeld = grid.firstPatchRow * patchColumns(grid);
  const held = Int32Array.from(patches.indices, (index) => index - firstHeld);
  const { surface, elevation, landFraction, humidity } = summarisePatchInputs(batch, held);
  const raw = read.raw === false || read.raw === undefined ? null : rawInputFeatures(batch, patches.indices, read.raw);
  const kIndex = read.kIndex ? kIndexPatches(await kIndexLevelsFor(era5, batch, read.signal), held) : undefined;
  return { era5: { surface, elevation, raw, ...(kIndex ? { kIndex } : {}), ...(humidity ? { humidity } : {}) }, landFraction };
}

function checkSameGrid(era5: PatchGrid, latents: PatchGrid): void {
  const columns = patchColumns(era5);
  if (columns !== patchColumns(latents) || era5.totalPatchRows !== latents.totalPatchRows) {
    const describe = (grid: PatchGrid) => `${grid.totalPatchRows} x ${patchColumns(grid)} patches`;
    throw new StudyInputError(
      `the ERA5 store beside the latents has a grid of ${describe(era5)}, the latents' patches one of ${describe(latents)}: give ERA5 at the latents' resolution (0.25 degree for Aurora's 0.25-degree models)`,
    );
  }
}
