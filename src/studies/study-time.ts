// The one shape in which a study sees one batch time, whatever the latents came from (encoding ERA5
// with a model, or reading a latent store): where its patches lie (a patch grid of geometry.ts), the
// latent levels held (all of an encoder's, or only the one a store was asked for, to stay within
// memory), each patch's land fraction, and ERA5's inputs when there is ERA5 to read them from.
// Structured-cloneable: it crosses to and from the workers, and the app caches it.
import type { NormalisedBatch } from '../data/batch.ts';
import type { Era5Dataset } from '../data/dataset.ts';
import { createPatchGrid, patchBounds, type PatchBounds, type PatchGrid } from '../data/geometry.ts';
import type { EncodeResult } from '../encoder/runtime.ts';
import { featureMatrix, type FeatureMatrix } from '../probes/matrix.ts';
import { rawInputFeatures, type RawInputOptions } from './baselines.ts';
import { kIndexLevelsFor, kIndexPatches } from './k-index.ts';
import { summarisePatchInputs, type Era5PatchInputs } from './patch-inputs.ts';
import { StudyInputError } from './progress.ts';
import { isShared } from '../platform/shared-memory.ts';

/** Where a study time's patches lie. */
export interface StudyPatches {
  /** The grid rows held: every patch's centre, bounds and area come from it (src/data/geometry.ts). */
  grid: PatchGrid;
  /** Global patch index (row-major from the north-west of the full grid) of each patch, ascending. */
  indices: Int32Array;
  /** Patch centres, degrees; longitudes in [0, 360). */
  centreLat: Float64Array;
  centreLon: Float64Array;
}

/** Latent vectors of some latent levels of every patch. */
export interface StudyLatents {
  /** The latent levels held, ascending: 0 the surface, 1.. the atmospheric latent levels. */
  levels: number[];
  /** Latent levels the source has in all (the model's, or the store's), whether held or not. */
  levelCount: number;
  embedDim: number;
  /** (levels.length, patches, D), level-major, patches in `indices` order: Aurora's output layout. */
  data: Float32Array;
}

export interface StudyTime {
  /** The batch time (the later history step of the pair the latents encode), UTC. */
  time: Date;
  patches: StudyPatches;
  latents: StudyLatents;
  /** Patch-mean land-sea mask, 0..1: study 1's label. */
  landFraction: Float64Array;
  /** ERA5's inputs at the time; null when there is no ERA5 (latents read from a store with none beside it). */
  era5: Era5PatchInputs | null;
}

export interface StudyTimeOptions {
  /** Keep the raw normalised input patches (the raw-input arm); the surface's 224 values unless told more. */
  raw?: RawInputOptions | false;
  /** Compute study 3's K-index of each patch (from the store's relative humidity when it has some, else the batch's). */
  kIndex?: boolean;
}

/** One batch and its encoding as a study time: every latent level of the encoded patches, with the batch's inputs. */
export function studyTimeFromBatch(batch: NormalisedBatch, encoded: EncodeResult, options: StudyTimeOptions = {}): StudyTime {
  const grid = createPatchGrid(batch.lat, batch.lon, batch.rowOffset, batch.fullHeight);
  const firstHeld = grid.firstPatchRow * encoded.patchColumns;
  const held = Int32Array.from(encoded.patchIndices, (index) => index - firstHeld);
  const { landFraction, surface, elevation, humidity } = summarisePatchInputs(batch, held);
  return {
    time: batch.time,
    patches: { grid, indices: encoded.patchIndices, centreLat: encoded.centreLat, centreLon: encoded.centreLon },
    latents: { levels: Array.from({ length: encoded.latentLevels }, (_, level) => level), levelCount: encoded.latentLevels, embedDim: encoded.embedDim, data: encoded.latents },
    landFraction,
    era5: { surface, elevation, ...(humidity ? { humidity } : {}), raw: options.raw === false || options.raw === undefined ? null : rawInputFeatures(batch, encoded.patchIndices, options.raw) },
  };
}

/**
 * A batch and its encoding as a study time, with what needs the store besides the batch: study 3's
 * K-index when asked for (its relative humidity is not in a batch). What the CLI and the app's encoder
 * worker both call.
 */
export async function studyTimeOf(dataset: Era5Dataset, batch: NormalisedBatch, encoded: EncodeResult, options: StudyTimeOptions = {}, signal?: AbortSignal): Promise<StudyTime> {
  const time = studyTimeFromBatch(batch, encoded, options);
  if (!options.kIndex || !time.era5) return time;
  const firstHeld = time.patches.grid.firstPatchRow * encoded.patchColumns;
  const held = Int32Array.from(time.patches.indices, (index) => index - firstHeld);
  return { ...time, era5: { ...time.era5, kIndex: kIndexPatches(await kIndexLevelsFor(dataset, batch, signal), held) } };
}

/** Each patch's bounds (src/data/geometry.ts), e.g. for the percentile thresholds. */
export function patchBoundsOf(patches: StudyPatches): PatchBounds[] {
  return Array.from(patches.indices, (index) => patchBounds(patches.grid, index));
}

export const patchCount = (time: StudyTime): number => time.patches.indices.length;

/** Where `level` sits among the levels a time holds; the message names the levels there are. */
function levelSlot(latents: StudyLatents, level: number): number {
  const slot = latents.levels.indexOf(level);
  if (slot >= 0) return slot;
  if (!(Number.isInteger(level) && level >= 0 && level < latents.levelCount)) {
    throw new StudyInputError(`latent level ${level} does not exist: the latents have levels 0 (surface) .. ${latents.levelCount - 1}`);
  }
  throw new StudyInputError(`latent level ${level} was not read (levels held: ${latents.levels.join(', ')}); read that level`);
}

/** The (patches, D) latents of one level, as a view of the time's array (no copy). */
export function levelMatrix(time: StudyTime, level: number): FeatureMatrix {
  const slot = levelSlot(time.latents, level);
  const count = patchCount(time);
  const d = time.latents.embedDim;
  return featureMatrix(time.latents.data.subarray(slot * count * d, (slot + 1) * count * d), count, d);
}

/** The time with only `levels`' latents (each held), copied out, so that the original stays whole. */
export function keepLevels(time: StudyTime, levels: readonly number[]): StudyTime {
  const ordered = [...new Set(levels)].sort((a, b) => a - b);
  const block = patchCount(time) * time.latents.embedDim;
  const data = new Float32Array(ordered.length * block);
  ordered.forEach((level, k) => data.set(levelMatrix(time, level).data, k * block));
  return { ...time, latents: { ...time.latents, levels: ordered, data } };
}

/**
 * The time with only `level`'s latents, and its ERA5 inputs left out unless kept. The latents are copied (so that
 * sending them to a worker leaves the original whole), unless they are shared memory holding that level alone
 * (shared-memory.ts): a worker sent them then shares them with the original.
 */
export function atLevel(time: StudyTime, level: number, keep: { era5?: boolean } = {}): StudyTime {
  const { latents } = time;
  const shared = latents.levels.length === 1 && latents.levels[0] === level && isShared(latents.data.buffer);
  return { ...(shared ? time : keepLevels(time, [level])), era5: keep.era5 ? time.era5 : null };
}

/** The rows' latent vectors at one latent level: row r is patch `patches[r]` of time `times[r]`. */
export function levelFeatures(inputs: readonly StudyTime[], level: number, times: ArrayLike<number>, patches: ArrayLike<number>): FeatureMatrix {
  const first = inputs[0];
  if (!first) throw new StudyInputError('no times to take latents from');
  const d = first.latents.embedDim;
  for (const input of inputs) {
    if (input.latents.embedDim !== d || input.latents.levelCount !== first.latents.levelCount) {
      throw new StudyInputError(`the times' latents come from different models (D ${input.latents.embedDim} against ${d}); take them all from one`);
    }
  }
  const matrices = inputs.map((input) => levelMatrix(input, level));
  const data = new Float32Array(times.length * d);
  for (let r = 0; r < times.length; r++) {
    const offset = patches[r] * d;
    data.set(matrices[times[r]].data.subarray(offset, offset + d), r * d);
  }
  return featureMatrix(data, times.length, d);
}
