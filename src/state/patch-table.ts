// The table the linked views draw: one row per point, every column a flat typed array indexed by point,
// so that 64,800 to 259,200 points travel to deck.gl as binary attributes without per-object JS.
// A run's result (result.ts) holds one; the views (src/views) read it.

/**
 * One row per point (a patch at one time). The views draw `scatterXY`, `cellBounds` and colours;
 * the rest feeds tooltips and exports, and may be missing until the probe has run.
 */
export interface PatchTable {
  count: number;
  /** count*4: latMin, latMax, lonMin, lonMax in degrees; longitudes in [0, 360), lonMax < lonMin when a cell straddles 0/360. */
  cellBounds: Float32Array;
  /** count*2: lon, lat of each cell's centre in degrees, lon in [0, 360). */
  cellCentres: Float32Array;
  /** Class index per point (0/1 sea/land, or the five nested extreme-temperature classes). */
  labels?: Uint8Array;
  /** Predicted class per point. */
  predictions?: Uint8Array;
  /** Predicted probability of class 1 per point. */
  probabilities?: Float32Array;
  /** count*pcCount PC scores, row-major (point-major). */
  pcScores?: Float32Array;
  pcCount?: number;
  /** Score on the probe's concept vector per point. */
  conceptScores?: Float32Array;
  /** Names of the label classes, index = class. */
  classNames?: readonly string[];
}
