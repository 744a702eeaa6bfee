// Study 3's concept, atmospheric instability, as the study defines it (auroraencoderanalysis
// scripts/calc_atmos_instability_mask.py and scripts/atmospheric_instability.py):
//   K = (T850 - T500) + Td850 - (T700 - Td700), degrees C,
// with the dew point Td from relative humidity by the Magnus formula and the study's clamps; a
// grid point is unstable when K exceeds a threshold (20 and 35), and a patch is positive when at
// least half of its 4 x 4 points are (the mean of the 0/1 mask >= 0.5), which is not the K of the
// patch mean. Aurora's inputs carry specific humidity, so relative humidity is derived from it
// with the same constants when the store has none. Everything in float64.
import type { NormalisedBatch } from '../data/batch.ts';
import type { Era5Dataset } from '../data/dataset.ts';
import { PATCH_SIZE } from '../data/geometry.ts';
import { humidityFieldsOf, humidityLevelsFromBatch, readHumidityLevels, type HumidityLevels } from '../data/humidity-fields.ts';
import { patchMean } from '../probes/labels.ts';
import { StudyInputError } from './progress.ts';

/** The Magnus formula's constants (the study's, after Wikipedia's "dew point"), and e_s at 0 degrees C in hPa. */
export const MAGNUS = { b: 17.625, c: 243.04, saturationAtZeroHpa: 6.112 } as const;
/** Water vapour's molar mass over dry air's, as the specific humidity formula uses it. */
const EPSILON = 0.622;
const KELVIN_AT_ZERO_C = 273.15;

/** The levels the K-index reads, hPa. */
export const K_INDEX_LEVELS = [500, 700, 850] as const;
/** The study's two definitions of instability: K above 20 and above 35 degrees C. */
export const K_INDEX_THRESHOLDS = [20, 35] as const;
/** The study probes the first atmospheric latent level (its level 0, our level 1). */
export const K_INDEX_LATENT_LEVEL = 1;

/** The study's clamps on relative humidity (percent): 0 and below become 0.001, above 100 becomes 100. */
export function clampRelativeHumidity(percent: number): number {
  if (percent <= 0) return 0.001;
  return percent > 100 ? 100 : percent;
}

/** Dew point (degrees C) from temperature (K) and relative humidity (%), with the study's clamps: T - 50 <= Td <= T. */
export function dewPointC(temperatureK: number, relativeHumidityPercent: number): number {
  const { b, c } = MAGNUS;
  const t = temperatureK - KELVIN_AT_ZERO_C;
  const alpha = Math.log(clampRelativeHumidity(relativeHumidityPercent) / 100) + (b * t) / (c + t);
  const dewPoint = (c * alpha) / (b - alpha);
  if (dewPoint > t) return t;
  return dewPoint < t - 50 ? t - 50 : dewPoint;
}

/** Saturation vapour pressure over water (hPa) at a temperature (K), by the same Magnus formula. */
export function saturationVapourPressureHpa(temperatureK: number): number {
  const { b, c, saturationAtZeroHpa } = MAGNUS;
  const t = temperatureK - KELVIN_AT_ZERO_C;
  return saturationAtZeroHpa * Math.exp((b * t) / (c + t));
}

/** Relative humidity (%) from specific humidity (kg/kg), temperature (K) and pressure (hPa): e = q p / (0.622 + 0.378 q), RH = 100 e / e_s(T). */
export function relativeHumidityFromSpecific(specificHumidity: number, temperatureK: number, pressureHpa: number): number {
  const vapourPressure = (specificHumidity * pressureHpa) / (EPSILON + (1 - EPSILON) * specificHumidity);
  return (100 * vapourPressure) / saturationVapourPressureHpa(temperatureK);
}

/** K = (T850 - T500) + Td850 - (T700 - Td700), all in degrees C. */
export function kIndexC(t500C: number, t700C: number, t850C: number, dewPoint700C: number, dewPoint850C: number): number {
  return t850C - t500C + dewPoint850C - (t700C - dewPoint700C);
}

/** How relative humidity was obtained, for the UI and the CLI to say. */
export type HumiditySource = 'relative humidity' | 'derived from specific humidity';

export interface KIndexField {
  /** K per grid point, degrees C, row-major (rows x W). */
  k: Float64Array;
  /** Dew point per level of K_INDEX_LEVELS, degrees C. */
  dewPointC: Float64Array[];
  humiditySource: HumiditySource;
}

/** The K-index of every grid point read, from temperature and relative (or specific) humidity at K_INDEX_LEVELS. */
export function kIndexField(levels: HumidityLevels): KIndexField {
  const position = K_INDEX_LEVELS.map((level) => levels.levelsHpa.indexOf(level));
  if (position.some((p) => p < 0)) throw new StudyInputError(`the K-index needs ${K_INDEX_LEVELS.join(', ')} hPa; got ${levels.levelsHpa.join(', ')} hPa`);
  const temperature = position.map((p) => levels.temperatureK[p]);
  const { humidity } = levels;
  const size = temperature[0].length;
  const dewPoint = K_INDEX_LEVELS.map((level, k) => {
    const t = temperature[k];
    const out = new Float64Array(size);
    if (humidity.kind === 'relative') {
      const rh = humidity.percent[position[k]];
      for (let i = 0; i < size; i++) out[i] = dewPointC(t[i], rh[i]);
    } else {
      const q = humidity.kgPerKg[position[k]];
      for (let i = 0; i < size; i++) out[i] = dewPointC(t[i], relativeHumidityFromSpecific(q[i], t[i], level));
    }
    return out;
  });
  const [t500, t700, t850] = temperature;
  const [, dewPoint700, dewPoint850] = dewPoint;
  const k = new Float64Array(size);
  const celsius = (kelvin: number) => kelvin - KELVIN_AT_ZERO_C;
  for (let i = 0; i < size; i++) k[i] = kIndexC(celsius(t500[i]), celsius(t700[i]), celsius(t850[i]), dewPoint700[i], dewPoint850[i]);
  return { k, dewPointC: dewPoint, humiditySource: humidity.kind === 'relative' ? 'relative humidity' : 'derived from specific humidity' };
}

/** 1 where K exceeds the threshold (NaN never does, as in the study's xarray comparison). */
export function instabilityMask(k: ArrayLike<number>, thresholdC: number): Uint8Array {
  return Uint8Array.from({ length: k.length }, (_, i) => (k[i] > thresholdC ? 1 : 0));
}

/** The study's patch label (`reduce_mask_lazy`): 1 where the mean of the 0/1 mask over the patch's points is >= 0.5. */
export function patchLabelsFromMask(mask: ArrayLike<number>, height: number, width: number, patchSize = PATCH_SIZE): Uint8Array {
  return Uint8Array.from(patchMean(mask, height, width, patchSize), (fraction) => (fraction >= 0.5 ? 1 : 0));
}

/**
 * Per patch, the K that half of its points exceed: the (n/2)-th largest of its n points (NaN counts
 * as below every threshold). A patch is labelled unstable at threshold x exactly when this value
 * exceeds x, because then at least half of its points do: one number per patch serves every threshold.
 */
export function patchHalfExceededK(k: ArrayLike<number>, height: number, width: number, patchSize = PATCH_SIZE): Float64Array {
  if (k.length !== height * width) throw new StudyInputError(`K-index: ${k.length} values are not ${height} x ${width}`);
  if (height % patchSize !== 0 || width % patchSize !== 0) throw new StudyInputError(`K-index: a ${height} x ${width} grid does not divide into ${patchSize} x ${patchSize} patches`);
  const columns = width / patchSize;
  const out = new Float64Array((height / patchSize) * columns);
  const values = new Float64Array(patchSize * patchSize);
  const rank = values.length / 2;
  for (let p = 0; p < out.length; p++) {
    const top = Math.floor(p / columns) * patchSize;
    const left = (p % columns) * patchSize;
    for (let i = 0; i < patchSize; i++) {
      for (let j = 0; j < patchSize; j++) {
        const value = k[(top + i) * width + left + j];
        values[i * patchSize + j] = Number.isNaN(value) ? Number.NEGATIVE_INFINITY : value;
      }
    }
    values.sort();
    // Ascending: the rank-th largest sits rank places from the end.
    out[p] = values[values.length - rank];
  }
  return out;
}

/** Patch labels at a threshold from patchHalfExceededK's values. */
export function kIndexPatchLabels(halfExceededK: ArrayLike<number>, thresholdC: number): Uint8Array {
  return Uint8Array.from({ length: halfExceededK.length }, (_, p) => (halfExceededK[p] > thresholdC ? 1 : 0));
}

/** A study time's K-index, per patch: what study 3's labels and views need of it. Structured-cloneable. */
export interface KIndexPatches {
  /** The K that half of the patch's points exceed (patchHalfExceededK), degrees C: the label at x is halfExceededK > x. */
  halfExceededK: Float64Array;
  /** The mean K of the patch's points, degrees C: for colours and the inspector, not the label. */
  meanK: Float64Array;
  humiditySource: HumiditySource;
}

/** The K-index of the patches `patches` (positions among the whole patch rows read, row-major). */
export function kIndexPatches(levels: HumidityLevels, patches: ArrayLike<number>): KIndexPatches {
  const { k, humiditySource } = kIndexField(levels);
  const height = levels.lat.length;
  const width = levels.lon.length;
  const half = patchHalfExceededK(k, height, width);
  const mean = patchMean(k, height, width);
  return {
    halfExceededK: Float64Array.from(patches, (p) => half[p]),
    meanK: Float64Array.from(patches, (p) => mean[p]),
    humiditySource,
  };
}

/**
 * The temperature and humidity a batch's K-index is made of: the store's relative humidity (and
 * temperature) at the batch time when it has relative humidity, else the batch's own temperature
 * and specific humidity, which need no second read.
 */
export async function kIndexLevelsFor(dataset: Era5Dataset, batch: NormalisedBatch, signal?: AbortSignal): Promise<HumidityLevels> {
  const fields = await humidityFieldsOf(dataset);
  if (fields.humidity.kind === 'specific') return humidityLevelsFromBatch(batch, K_INDEX_LEVELS);
  return readHumidityLevels(fields, batch.time, K_INDEX_LEVELS, { rows: { start: batch.rowOffset, end: batch.rowOffset + batch.lat.length }, signal });
}
