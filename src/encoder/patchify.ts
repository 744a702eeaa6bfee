// Extracts the graph's patch inputs from a NormalisedBatch: for each patch, its P x P grid points of
// every variable and history step, in the order of the Conv3d kernel (variable, time, row, column).
import { ATMOSPHERIC_VARIABLES, STATIC_VARIABLES, SURFACE_VARIABLES, type NormalisedBatch } from '../data/batch.ts';
import { ATMOS_CHANNELS, SURFACE_CHANNELS, type EncoderConfig } from './config.ts';

/** Patches by their (row, col) within the batch. */
export interface PatchList {
  rows: Int32Array;
  cols: Int32Array;
}

export interface PatchInputs {
  surface: Float32Array; // (N, 7*T*P*P)
  atmos: Float32Array; // (N, C, 5*T*P*P + C): the level's one-hot follows its features (graph.ts)
}

export function patchify(batch: NormalisedBatch, config: EncoderConfig, patches: PatchList): PatchInputs {
  const n = patches.rows.length;
  const c = batch.levels.length;
  const surface = new Float32Array(n * SURFACE_CHANNELS.length * config.historySize * config.patchSize ** 2);
  const atmos = new Float32Array(n * c * (ATMOS_CHANNELS.length * config.historySize * config.patchSize ** 2 + c));
  patchifyInto(batch, config, patches, surface, atmos);
  return { surface, atmos };
}

/**
 * patchify into arrays of at least the patches' size, kept by the caller from tile to tile: every
 * value is written except the one-hot level columns' zeros, which a fresh or reused array already holds.
 */
export function patchifyInto(batch: NormalisedBatch, config: EncoderConfig, patches: PatchList, surface: Float32Array, atmos: Float32Array): void {
  const { patchSize: p, historySize: t } = config;
  const width = batch.lon.length;
  const plane = batch.lat.length * width;
  const c = batch.levels.length;
  const n = patches.rows.length;
  const surfaceSources = [
    ...SURFACE_VARIABLES.map((name) => ({ data: batch.surface[name], stepStride: plane })),
    // Static fields are repeated over the history steps.
    ...STATIC_VARIABLES.map((name) => ({ data: batch.static[name], stepStride: 0 })),
  ];
  const atmosSources = ATMOSPHERIC_VARIABLES.map((name) => batch.atmos[name]);
  const surfaceFeatures = surfaceSources.length * t * p * p;
  const atmosFeatures = atmosSources.length * t * p * p + c;
  if (surface.length < n * surfaceFeatures || atmos.length < n * c * atmosFeatures) throw new RangeError(`patchifyInto: arrays too small for ${n} patches`);
  // Plain index loops: this runs for every patch of every tile, and per-row subarray views cost
  // more than the copying itself.
  const copyPatch = (source: Float32Array, corner: number, out: Float32Array, at: number): number => {
    for (let i = 0; i < p; i++) {
      const row = corner + i * width;
      for (let j = 0; j < p; j++) out[at++] = source[row + j];
    }
    return at;
  };
  for (let k = 0; k < n; k++) {
    const corner = patches.rows[k] * p * width + patches.cols[k] * p;
    let at = k * surfaceFeatures;
    for (const { data, stepStride } of surfaceSources) {
      for (let step = 0; step < t; step++) at = copyPatch(data, step * stepStride + corner, surface, at);
    }
    for (let level = 0; level < c; level++) {
      at = (k * c + level) * atmosFeatures;
      for (const data of atmosSources) {
        for (let step = 0; step < t; step++) at = copyPatch(data, (step * c + level) * plane + corner, atmos, at);
      }
      atmos[at + level] = 1;
    }
  }
}
