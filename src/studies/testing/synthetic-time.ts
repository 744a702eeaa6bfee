// Study times made by hand for tests: patches on a grid of centres (rows north to south, columns west
// to east), latents given per level, and the land fraction and ERA5 inputs a test needs.
import { placePatches } from '../../data/latent-store.ts';
import type { Era5PatchInputs } from '../patch-inputs.ts';
import type { StudyTime } from '../study-time.ts';

export interface SyntheticTime {
  time: string;
  /** Patch-row centres, north to south, and patch-column centres, west to east, in [0, 360). */
  rowLat: readonly number[];
  columnLon: readonly number[];
  /** (levels.length, patches, embedDim), level-major. */
  latents: Float32Array;
  embedDim: number;
  /** Default [0]. */
  levels?: number[];
  /** Default the levels' count. */
  levelCount?: number;
  /** Default 0 everywhere. */
  landFraction?: ArrayLike<number>;
  era5?: Era5PatchInputs | null;
}

export function syntheticStudyTime(spec: SyntheticTime): StudyTime {
  // Placed as a latent store's patch centres are: the one geometry of data/geometry.ts.
  const { grid, patchIndices, centreLat, centreLon } = placePatches('synthetic', Float64Array.from(spec.rowLat), Float64Array.from(spec.columnLon));
  const count = spec.rowLat.length * spec.columnLon.length;
  const levels = spec.levels ?? [0];
  if (spec.latents.length !== levels.length * count * spec.embedDim) throw new Error(`${spec.latents.length} latent values for ${levels.length} levels of ${count} patches x ${spec.embedDim}`);
  return {
    time: new Date(spec.time),
    patches: { grid, indices: patchIndices, centreLat, centreLon },
    latents: { levels, levelCount: spec.levelCount ?? Math.max(...levels) + 1, embedDim: spec.embedDim, data: spec.latents },
    landFraction: Float64Array.from(spec.landFraction ?? new Float64Array(count)),
    era5: spec.era5 ?? null,
  };
}
