// Per-patch labels from gridded fields: the mean of each patch's grid points, then a threshold.
import { PATCH_SIZE } from '../data/geometry.ts';
import { ProbeInputError } from './job.ts';

/**
 * The mean over each patchSize x patchSize block of the (H, W) row-major field, as a row-major
 * (H / patchSize, W / patchSize) array in Aurora's patch order. NaN in a block gives NaN.
 */
export function patchMean(field: ArrayLike<number>, height: number, width: number, patchSize = PATCH_SIZE): Float64Array {
  if (field.length !== height * width) throw new ProbeInputError(`patch mean: ${field.length} values are not ${height} x ${width}`);
  if (height % patchSize !== 0 || width % patchSize !== 0) {
    throw new ProbeInputError(`patch mean: a ${height} x ${width} field does not divide into ${patchSize} x ${patchSize} patches`);
  }
  const patchRows = height / patchSize;
  const patchColumns = width / patchSize;
  const sums = new Float64Array(patchRows * patchColumns);
  for (let row = 0; row < height; row++) {
    const patchRowOffset = Math.floor(row / patchSize) * patchColumns;
    for (let column = 0; column < width; column++) {
      sums[patchRowOffset + Math.floor(column / patchSize)] += field[row * width + column];
    }
  }
  const count = patchSize * patchSize;
  return sums.map((sum) => sum / count);
}

export type Comparison = '>' | '>=';

export interface ThresholdLabels {
  /** 1 where the value passes the threshold. */
  labels: Uint8Array;
  /** 0 where the value or its threshold is NaN (e.g. a patch outside a threshold map's region). */
  valid: Uint8Array;
}

/** Labels each value against one threshold or one threshold per value. */
export function thresholdLabels(values: ArrayLike<number>, threshold: number | ArrayLike<number>, comparison: Comparison): ThresholdLabels {
  if (typeof threshold !== 'number' && threshold.length !== values.length) {
    throw new ProbeInputError(`${threshold.length} thresholds for ${values.length} values`);
  }
  const labels = new Uint8Array(values.length);
  const valid = new Uint8Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const limit = typeof threshold === 'number' ? threshold : threshold[i];
    if (Number.isNaN(values[i]) || Number.isNaN(limit)) continue;
    valid[i] = 1;
    labels[i] = (comparison === '>' ? values[i] > limit : values[i] >= limit) ? 1 : 0;
  }
  return { labels, valid };
}

/** The study's land-sea label: land (1) where the patch mean of the land-sea mask is >= 0.5. */
export const LAND_FRACTION_THRESHOLD = 0.5;

