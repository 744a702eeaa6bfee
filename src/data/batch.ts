// The contract between the data layer and the encoder: one Aurora-ready batch.
// Layouts follow Aurora's own Batch (microsoft/aurora aurora/batch.py) for one batch element.

/** Surface variables in Aurora's order. */
export const SURFACE_VARIABLES = ['2t', '10u', '10v', 'msl'] as const;
/** Static variables in Aurora's order; the encoder appends them to the surface variables. */
export const STATIC_VARIABLES = ['lsm', 'z', 'slt'] as const;
/** Atmospheric variables in Aurora's order. */
export const ATMOSPHERIC_VARIABLES = ['z', 'u', 'v', 't', 'q'] as const;
/** Pressure levels (hPa) of the Aurora 0.25-degree models, in the model's order. */
export const AURORA_LEVELS = [50, 100, 150, 200, 250, 300, 400, 500, 600, 700, 850, 925, 1000] as const;
/** Aurora's history: two steps, this many hours apart; the batch time is the later step. */
export const HISTORY_STEPS = 2;
export const STEP_HOURS = 6;

export type SurfaceVariable = (typeof SURFACE_VARIABLES)[number];
export type StaticVariable = (typeof STATIC_VARIABLES)[number];
export type AtmosphericVariable = (typeof ATMOSPHERIC_VARIABLES)[number];

/**
 * A normalised batch, ready for the encoder.
 * - `lat` strictly decreasing, `lon` strictly increasing in [0, 360), both float64 (the store's values).
 * - H = lat.length is a multiple of the patch size (cropped as Aurora does); W = lon.length likewise.
 * - All fields are normalised with Aurora's figures: x' = (x - location) / scale.
 */
export interface NormalisedBatch {
  /** The batch time (the later history step), UTC. */
  time: Date;
  /** Both history steps, earliest first. */
  stepTimes: [Date, Date];
  lat: Float64Array;
  lon: Float64Array;
  /** Pressure levels in hPa, in the order of the atmospheric arrays' C axis. */
  levels: number[];
  /** (T, H, W) per surface variable, row-major. */
  surface: Record<SurfaceVariable, Float32Array>;
  /** (H, W) per static variable. */
  static: Record<StaticVariable, Float32Array>;
  /** (T, C, H, W) per atmospheric variable. */
  atmos: Record<AtmosphericVariable, Float32Array>;
  /**
   * Index of this batch's first row in the full (cropped) grid of the store, so that a region batch
   * (a band of latitude rows) knows where its patches sit in the global patch numbering.
   */
  rowOffset: number;
  /** Rows of the full cropped grid, so that global patch indices can be computed for a region batch. */
  fullHeight: number;
  /**
   * Set when the batch was read for a box: only the patch columns whose centre longitudes lie in
   * [west, east] (geometry.ts longitudeInRange) hold values; the other columns are NaN.
   */
  lonRange?: { west: number; east: number };
}
