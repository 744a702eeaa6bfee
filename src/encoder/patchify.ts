// Each patch's input values, in the order the encoder graph cuts them from its bands (graph.ts
// patchInputsFromBands) and Aurora's Conv3d kernel reads them: for each patch, its P x P grid points
// of every variable and history step (variable, step, row, column). The raw-input baseline's features.
import { ATMOSPHERIC_VARIABLES, STATIC_VARIABLES, SURFACE_VARIABLES, type NormalisedBatch } from '../data/batch.ts';
import type { EncoderConfig } from './config.ts';
import { atmosFeatures, surfaceFeatures } from './graph.ts';

/** Patches by their (row, col) within the batch. */
export interface PatchList {
  rows: Int32Array;
  cols: Int32Array;
}

export interface PatchInputValues {
  surface: Float32Array; // (N, 7*T*P*P): surface then static variables (statics repeated over the steps)
  atmos: Float32Array; // (N, C, 5*T*P*P)
}

export function patchify(batch: NormalisedBatch, config: Pick<EncoderConfig, 'patchSize' | 'historySize'>, patches: PatchList): PatchInputValues {
  const { patchSize: p, historySize: t } = config;
  const width = batch.lon.length;
  const plane = batch.lat.length * width;
  const c = batch.levels.length;
  const n = patches.rows.length;
  const surfaceSources = [
    ...SURFACE_VARIABLES.map((name) => ({ data: batch.surface[name], stepStride: plane })),
    ...STATIC_VARIABLES.map((name) => ({ data: batch.static[name], stepStride: 0 })),
  ];
  const surface = new Float32Array(n * surfaceFeatures(config));
  const atmos = new Float32Array(n * c * atmosFeatures(config));
  const copyPatch = (source: Float32Array, corner: number, out: Float32Array, at: number): number => {
    for (let i = 0; i < p; i++) for (let j = 0; j < p; j++) out[at++] = source[corner + i * width + j];
    return at;
  };
  let surfaceAt = 0;
  let atmosAt = 0;
  for (let k = 0; k < n; k++) {
    const corner = patches.rows[k] * p * width + patches.cols[k] * p;
    for (const { data, stepStride } of surfaceSources) for (let step = 0; step < t; step++) surfaceAt = copyPatch(data, step * stepStride + corner, surface, surfaceAt);
    for (let level = 0; level < c; level++) {
      for (const name of ATMOSPHERIC_VARIABLES) for (let step = 0; step < t; step++) atmosAt = copyPatch(batch.atmos[name], (step * c + level) * plane + corner, atmos, atmosAt);
    }
  }
  return { surface, atmos };
}
