// Per-patch summaries of a batch's inputs, in physical units: what the labels are made of (the land
// fraction, 2 m temperature) and what the inspector and the analogue list show (2 m temperature, winds,
// msl at both steps, elevation, 850 hPa specific humidity). Float64, as the labels' thresholds compare them, so that every front end labels alike.
import type { NormalisedBatch, SurfaceVariable } from '../data/batch.ts';
import { denormalise, normalisationKey, type NormalisationKey } from '../data/normalisation.ts';
import { kelvinToCelsius } from '../percentiles/units.ts';
import { patchMean } from '../probes/labels.ts';
import type { FeatureMatrix } from '../probes/matrix.ts';
import type { KIndexPatches } from './k-index.ts';
import { StudyInputError } from './progress.ts';

/** Columns of the per-patch input table, in order: the four surface variables at both steps. */
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

/** The ERA5 inputs of a study time's patches, when the latents come with (or beside) an ERA5 store. */
export interface Era5PatchInputs {
  /** patches x PATCH_INPUT_COLUMNS.length, point-major, physical units. */
  surface: Float64Array;
  /** Surface geopotential / g, metres, per patch. */
  elevation: Float64Array;
  /** The normalised input values of each patch, no encoder (baselines.ts rawInputFeatures): the raw-input arm. Null when not read. */
  raw: FeatureMatrix | null;
  /** Study 3's K-index of each patch (k-index.ts), when it was asked for. */
  kIndex?: KIndexPatches;
  /** Specific humidity at HUMIDITY_LEVEL_HPA at the batch time, per patch; absent when the batch lacks that level (or the time was cached before it was read). */
  humidity?: PatchHumidity;
}

/** The pressure level whose humidity describes a patch: low in the troposphere, yet above most land (1000 hPa lies below ground on plateaus). */
export const HUMIDITY_LEVEL_HPA = 850;

export interface PatchHumidity {
  levelHpa: number;
  /** Patch-mean specific humidity, g/kg. */
  gramsPerKilogram: Float64Array;
}

const GRAVITY = 9.80665;

/**
 * Summaries of the batch's patches `patches` (positions among the patches the batch holds, row-major):
 * the land fraction (patch mean of the land-sea mask, 0..1) and the ERA5 inputs' table and elevation.
 */
export function summarisePatchInputs(
  batch: NormalisedBatch,
  patches: ArrayLike<number>,
): { landFraction: Float64Array; surface: Float64Array; elevation: Float64Array; humidity: PatchHumidity | null } {
  const height = batch.lat.length;
  const width = batch.lon.length;
  const cells = height * width;
  // Means commute with the affine normalisation, so de-normalise the patch means, not every point.
  const physicalMeans = (field: Float32Array, offset: number, key: NormalisationKey) => {
    const means = patchMean(field.subarray(offset, offset + cells), height, width);
    return Float64Array.from(patches, (p) => denormalise(means[p], key));
  };
  const columns = PATCH_INPUT_COLUMNS.length;
  const surface = new Float64Array(patches.length * columns);
  PATCH_INPUT_COLUMNS.forEach((column, c) => {
    const means = physicalMeans(batch.surface[column.variable], column.step * cells, normalisationKey(column.variable));
    means.forEach((value, p) => (surface[p * columns + c] = value));
  });
  // q is (T, C, H, W): the later step's plane at the humidity level.
  const humidityLevel = batch.levels.indexOf(HUMIDITY_LEVEL_HPA);
  const humidity =
    humidityLevel < 0
      ? null
      : {
          levelHpa: HUMIDITY_LEVEL_HPA,
          gramsPerKilogram: physicalMeans(batch.atmos.q, (batch.levels.length + humidityLevel) * cells, normalisationKey('q', HUMIDITY_LEVEL_HPA)).map((q) => 1000 * q),
        };
  return {
    humidity,
    landFraction: physicalMeans(batch.static.lsm, 0, normalisationKey('lsm')),
    surface,
    elevation: physicalMeans(batch.static.z, 0, normalisationKey('z')).map((z) => z / GRAVITY),
  };
}

const LATER_2T = PATCH_INPUT_COLUMNS.findIndex((column) => column.key === '2t@t');

/** Patch-mean 2 m temperature at the batch time (the later history step), degrees C: study 2's variable. */
export function temperatureCelsius(inputs: Era5PatchInputs | null): Float64Array {
  if (!inputs) throw new StudyInputError('the extreme-temperature study needs 2 m temperature: give an ERA5 store beside the latents');
  const columns = PATCH_INPUT_COLUMNS.length;
  return Float64Array.from({ length: inputs.surface.length / columns }, (_, p) => kelvinToCelsius(inputs.surface[p * columns + LATER_2T]));
}
