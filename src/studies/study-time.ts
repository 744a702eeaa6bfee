// What a study needs of one batch time: the encoder's latents of the chosen patches and, per patch,
// the inputs its labels are made of (2 m temperature, land fraction) and where the patch lies.
// Shared by the CLI (Node session) and the app's worker (browser session); a caller may cache these
// per (store, time, model, region) and hand them back instead of encoding again.
import type { NormalisedBatch } from '../data/batch.ts';
import type { Era5Dataset } from '../data/dataset.ts';
import { createPatchGrid, patchBounds, type PatchBounds } from '../data/geometry.ts';
import { loadBatch } from '../data/load-batch.ts';
import { denormalise, normalisationKey } from '../data/normalisation.ts';
import type { EncoderConfig } from '../encoder/config.ts';
import { encodeBatch, type EncoderSession, type EncodeResult, type Region } from '../encoder/runtime.ts';
import { patchMean } from '../probes/labels.ts';
import { featureMatrix, type FeatureMatrix } from '../probes/matrix.ts';
import { kelvinToCelsius } from '../percentiles/units.ts';
import { StudyInputError, type StudyProgress } from './progress.ts';

/** One encoded batch time, reduced to what the studies read: the encoder's result and the patches' inputs. Structured-cloneable. */
export interface StudyTimeInputs extends Omit<EncodeResult, 'backend'> {
  time: Date;
  /** Each patch's bounds (src/data/geometry.ts), for the percentile thresholds. */
  bounds: PatchBounds[];
  /** Patch-mean 2 m temperature at the batch time (the later history step), degrees C. */
  temperatureC: Float64Array;
  /** Patch-mean land-sea mask, 0..1. */
  landFraction: Float64Array;
}

/** Reduces a batch and its encoding to a study's inputs. */
export function studyTimeFromBatch(batch: NormalisedBatch, encoded: EncodeResult): StudyTimeInputs {
  const height = batch.lat.length;
  const width = batch.lon.length;
  const cells = height * width;
  const grid = createPatchGrid(batch.lat, batch.lon, batch.rowOffset, batch.fullHeight);
  const firstHeld = grid.firstPatchRow * encoded.patchColumns;
  // The batch time is the later of the two history steps.
  const laterStep = batch.surface['2t'].subarray((batch.stepTimes.length - 1) * cells, batch.stepTimes.length * cells);
  // Means commute with the affine normalisation: denormalise the patch means, not every point.
  const temperature = patchMean(laterStep, height, width);
  const land = patchMean(batch.static.lsm, height, width);
  const local = (i: number) => encoded.patchIndices[i] - firstHeld;
  const count = encoded.patchIndices.length;
  return {
    time: batch.time,
    latents: encoded.latents,
    latentLevels: encoded.latentLevels,
    embedDim: encoded.embedDim,
    patchIndices: encoded.patchIndices,
    centreLat: encoded.centreLat,
    centreLon: encoded.centreLon,
    bounds: Array.from(encoded.patchIndices, (index) => patchBounds(grid, index)),
    temperatureC: Float64Array.from({ length: count }, (_, i) => kelvinToCelsius(denormalise(temperature[local(i)], normalisationKey('2t')))),
    landFraction: Float64Array.from({ length: count }, (_, i) => denormalise(land[local(i)], normalisationKey('lsm'))),
    patchColumns: encoded.patchColumns,
    totalPatchRows: encoded.totalPatchRows,
  };
}

export interface CollectOptions {
  /** Patches to encode; the whole grid when left out. */
  region?: Extract<Region, { kind: 'box' }>;
  /** Inputs computed before for this (store, time, model, region), e.g. from a cache. */
  cached?: (time: Date) => Promise<StudyTimeInputs | undefined> | StudyTimeInputs | undefined;
  /** Called with each time newly encoded, e.g. to cache it, and its batch (e.g. for the raw-input baseline). */
  onEncoded?: (inputs: StudyTimeInputs, batch: NormalisedBatch) => void | Promise<void>;
  signal?: AbortSignal;
  onProgress?: (progress: StudyProgress) => void;
}

/** Reads and encodes each time (or takes it from `cached`), in order. */
export async function collectStudyTimes(
  dataset: Era5Dataset,
  session: EncoderSession,
  config: EncoderConfig,
  times: readonly Date[],
  options: CollectOptions = {},
): Promise<StudyTimeInputs[]> {
  if (times.length === 0) throw new StudyInputError('no times to encode: give at least one');
  const { region, signal, onProgress } = options;
  const out: StudyTimeInputs[] = [];
  for (const [k, time] of times.entries()) {
    signal?.throwIfAborted();
    const label = time.toISOString().slice(0, 16);
    const report = (part: number, message: string) => onProgress?.({ stage: 'encode', fraction: (k + part) / times.length, message: `${label}: ${message}` });
    const cached = await options.cached?.(time);
    if (cached) {
      report(1, 'cached latents');
      out.push(cached);
      continue;
    }
    const batch = await loadBatch(dataset, time, {
      region: region && { south: region.south, north: region.north },
      signal,
      onProgress: (p) => report((0.5 * p.chunksFetched) / Math.max(1, p.chunksTotal), `reading ${p.chunksFetched}/${p.chunksTotal} chunks`),
    });
    const encoded = await encodeBatch(session, config, batch, {
      region,
      signal,
      onProgress: (p) => report(0.5 + (0.5 * p.donePatches) / Math.max(1, p.totalPatches), `encoding ${p.donePatches}/${p.totalPatches} patches`),
    });
    const inputs = studyTimeFromBatch(batch, encoded);
    await options.onEncoded?.(inputs, batch);
    out.push(inputs);
  }
  return out;
}

/** The rows' latent vectors at one latent level: row r is patch `patches[r]` of time `times[r]`. */
export function levelFeatures(inputs: readonly StudyTimeInputs[], level: number, times: ArrayLike<number>, patches: ArrayLike<number>): FeatureMatrix {
  const first = inputs[0];
  if (!first) throw new StudyInputError('no times to take latents from');
  const d = first.embedDim;
  for (const input of inputs) {
    if (input.embedDim !== d || input.latentLevels !== first.latentLevels) {
      throw new StudyInputError(`the times were encoded by different models (D ${input.embedDim} against ${d}); encode them all with one`);
    }
  }
  if (!(Number.isInteger(level) && level >= 0 && level < first.latentLevels)) {
    throw new StudyInputError(`latent level ${level} does not exist: the model has levels 0 (surface) .. ${first.latentLevels - 1}`);
  }
  const data = new Float32Array(times.length * d);
  for (let r = 0; r < times.length; r++) {
    const input = inputs[times[r]];
    const count = input.patchIndices.length;
    const offset = (level * count + patches[r]) * d;
    data.set(input.latents.subarray(offset, offset + d), r * d);
  }
  return featureMatrix(data, times.length, d);
}
