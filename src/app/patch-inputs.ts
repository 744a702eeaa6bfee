// Per-patch summaries of a batch's inputs, in physical units: what the land-sea label is made of
// (the land fraction) and what the inspector shows (2 m temperature, winds, msl at both steps).
import type { NormalisedBatch, SurfaceVariable } from '../data/batch.ts';
import { denormalise, normalisationKey } from '../data/normalisation.ts';
import { patchMean } from '../probes/labels.ts';

/** Columns of the per-patch input table, in order: the four surface variables at both steps, then statics. */
export const PATCH_INPUT_COLUMNS = [
  { key: '2t@t-6h', variable: '2t', step: 0, label: '2 m temperature', unit: 'K' },
  { key: '2t@t', variable: '2t', step: 1, label: '2 m temperature', unit: 'K' },
  { key: '10u@t-6h', variable: '10u', step: 0, label: '10 m u wind', unit: 'm/s' },
  { key: '10u@t', variable: '10u', step: 1, label: '10 m u wind', unit: 'm/s' },
  { key: '10v@t-6h', variable: '10v', step: 0, label: '10 m v wind', unit: 'm/s' },
  { key: '10v@t', variable: '10v', step: 1, label: '10 m v wind', unit: 'm/s' },
  { key: 'msl@t-6h', variable: 'msl', step: 0, label: 'Mean sea-level pressure', unit: 'Pa' },
  { key: 'msl@t', variable: 'msl', step: 1, label: 'Mean sea-level pressure', unit: 'Pa' },
] as const satisfies ReadonlyArray<{ key: string; variable: SurfaceVariable; step: 0 | 1; label: string; unit: string }>;

export interface PatchInputs {
  /** patches x PATCH_INPUT_COLUMNS.length, point-major, physical units. */
  surface: Float32Array;
  /** Fraction of land (patch mean of the land-sea mask, 0..1) per patch. */
  /** Float64, as the CLI's study inputs hold it, so that both label a patch at 0.5 alike. */
  landFraction: Float64Array;
  /** Surface geopotential / g, metres, per patch. */
  elevation: Float32Array;
}

const GRAVITY = 9.80665;

/** Summaries of every patch of the batch, in the batch's patch order (row-major). */
export function summarisePatchInputs(batch: NormalisedBatch): PatchInputs {
  const height = batch.lat.length;
  const width = batch.lon.length;
  const cells = height * width;
  const physicalMean = (field: Float32Array, offset: number, key: Parameters<typeof denormalise>[1]) => {
    const view = field.subarray(offset, offset + cells);
    // Means commute with the affine normalisation, so de-normalise the mean, not every point.
    return patchMean(view, height, width).map((value) => denormalise(value, key));
  };
  const landMeans = physicalMean(batch.static.lsm, 0, normalisationKey('lsm'));
  const count = landMeans.length;
  const surface = new Float32Array(count * PATCH_INPUT_COLUMNS.length);
  PATCH_INPUT_COLUMNS.forEach((column, c) => {
    const means = physicalMean(batch.surface[column.variable], column.step * cells, normalisationKey(column.variable));
    for (let p = 0; p < count; p++) surface[p * PATCH_INPUT_COLUMNS.length + c] = means[p];
  });
  const geopotential = physicalMean(batch.static.z, 0, normalisationKey('z'));
  return {
    surface,
    landFraction: Float64Array.from(landMeans),
    elevation: Float32Array.from(geopotential, (z) => z / GRAVITY),
  };
}
