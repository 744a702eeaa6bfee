// Extracts the graph's patch inputs from a NormalisedBatch: for each patch, its P x P grid points of
// every variable and history step, in the order of the Conv3d kernel (variable, time, row, column).
import { ATMOSPHERIC_VARIABLES, STATIC_VARIABLES, SURFACE_VARIABLES, type NormalisedBatch } from '../data/batch.ts';
import type { EncoderConfig } from './config.ts';

/** Patches by their (row, col) within the batch. */
export interface PatchList {
  rows: Int32Array;
  cols: Int32Array;
}

export interface PatchInputs {
  surface: Float32Array; // (N, 7*T*P*P)
  atmos: Float32Array; // (N, C, 5*T*P*P)
}

export function patchify(batch: NormalisedBatch, config: EncoderConfig, patches: PatchList): PatchInputs {
  const { patchSize: p, historySize: t } = config;
  const width = batch.lon.length;
  const height = batch.lat.length;
  const plane = height * width;
  const c = batch.levels.length;
  const kernel = p * p;
  const n = patches.rows.length;
  const surfaceSources = [
    ...SURFACE_VARIABLES.map((name) => ({ data: batch.surface[name], stepStride: plane })),
    // Static fields are repeated over the history steps.
    ...STATIC_VARIABLES.map((name) => ({ data: batch.static[name], stepStride: 0 })),
  ];
  const surfaceFeatures = surfaceSources.length * t * kernel;
  const atmosFeatures = ATMOSPHERIC_VARIABLES.length * t * kernel;
  const surface = new Float32Array(n * surfaceFeatures);
  const atmos = new Float32Array(n * c * atmosFeatures);
  const copyPatch = (source: Float32Array, planeStart: number, top: number, left: number, out: Float32Array, at: number) => {
    for (let i = 0; i < p; i++) {
      const start = planeStart + (top + i) * width + left;
      out.set(source.subarray(start, start + p), at + i * p);
    }
  };
  for (let k = 0; k < n; k++) {
    const top = patches.rows[k] * p;
    const left = patches.cols[k] * p;
    let at = k * surfaceFeatures;
    for (const { data, stepStride } of surfaceSources) {
      for (let step = 0; step < t; step++, at += kernel) copyPatch(data, step * stepStride, top, left, surface, at);
    }
    for (let level = 0; level < c; level++) {
      at = (k * c + level) * atmosFeatures;
      for (const name of ATMOSPHERIC_VARIABLES) {
        const data = batch.atmos[name];
        for (let step = 0; step < t; step++, at += kernel) copyPatch(data, (step * c + level) * plane, top, left, atmos, at);
      }
    }
  }
  return { surface, atmos };
}
