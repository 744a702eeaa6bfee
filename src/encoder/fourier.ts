// Aurora's Fourier encodings (aurora/model/fourier.py, posencoding.py), computed in float64 and
// rounded to float32 with the float32 steps Aurora takes, so that they match Microsoft's bit for bit.
// They are inputs of the ONNX graph. Spec: docs "Fourier encodings" in aurora-encoder.md.

const f32 = Math.fround;

/** Aurora's wavelength ranges, literally (fourier.py). */
export const WAVELENGTHS = {
  position: [0.01, 720],
  // The smallest patch area (0.01 x 0.01 degrees at the pole) and the Earth's surface, km^2, as
  // Aurora computes them; A_min comes from a computation with cancellation, so use it as is.
  scale: [0.00010814085373323144, 511207893.39581096],
  leadTime: [1 / 60, 24 * 7 * 3],
  level: [0.01, 1e5],
  absoluteTime: [1, 24 * 365.25],
} as const satisfies Record<string, readonly [number, number]>;

/** The hours of lead time Aurora's encoder is asked about: one 6-hour step. */
export const LEAD_TIME_HOURS = 6;

const EARTH_RADIUS_KM = 6371;
const HOURS_MS = 3_600_000;

/**
 * 2*pi / wavelength for torch.logspace(log10 lower, log10 upper, count): like torch, the first
 * half of the exponents steps up from the start and the second half steps down from the end.
 */
function angularFrequencies(lower: number, upper: number, count: number): Float64Array {
  const start = Math.log10(lower);
  const end = Math.log10(upper);
  const step = count > 1 ? (end - start) / (count - 1) : 0;
  const halfway = Math.floor(count / 2);
  const out = new Float64Array(count);
  for (let i = 0; i < count; i++) {
    const exponent = i < halfway ? start + step * i : end - step * (count - i - 1);
    out[i] = (2 * Math.PI) / 10 ** exponent;
  }
  return out;
}

const frequencyCache = new Map<string, Float64Array>();
function frequencies(range: readonly [number, number], count: number): Float64Array {
  const key = `${range[0]}:${range[1]}:${count}`;
  let cached = frequencyCache.get(key);
  if (!cached) {
    cached = angularFrequencies(range[0], range[1], count);
    frequencyCache.set(key, cached);
  }
  return cached;
}

/** Writes expand(x, d) = [sin(x*w_0..), cos(x*w_0..)] into out[offset .. offset + d). */
function expandInto(x: number, d: number, range: readonly [number, number], out: Float32Array, offset: number): void {
  if (d % 2 !== 0) throw new Error(`Fourier expansion needs an even width, got ${d}`);
  const w = frequencies(range, d / 2);
  for (let i = 0; i < d / 2; i++) {
    const phase = x * w[i];
    out[offset + i] = Math.sin(phase);
    out[offset + d / 2 + i] = Math.cos(phase);
  }
}

/** One encoding of width `d` per value: (values.length, d). */
function expandAll(values: ArrayLike<number>, d: number, range: readonly [number, number]): Float32Array {
  const out = new Float32Array(values.length * d);
  for (let i = 0; i < values.length; i++) expandInto(values[i], d, range, out, i * d);
  return out;
}

/** The patch grid of a tile: which patch rows and columns, out of the batch's lat/lon. */
export interface PatchGrid {
  lat: Float64Array;
  lon: Float64Array;
  patchSize: number;
}

/** Patch centres (float32 means of the patch's grid points, as avg_pool2d on float32 coordinates). */
function patchCentre(coordinates: Float64Array, first: number, patchSize: number): number {
  // Every grid row of a patch has the same latitude (every column the same longitude); Aurora
  // averages the P x P points, which sums each coordinate P times.
  let sum = 0;
  for (let i = 0; i < patchSize; i++) for (let j = 0; j < patchSize; j++) sum = f32(sum + f32(coordinates[first + i]));
  return f32(sum / (patchSize * patchSize));
}

const radians = (degrees: number): number => f32(f32(degrees) * f32(Math.PI / 180));

/** sqrt of the patch's spherical-rectangle area in km, in Aurora's float32 arithmetic (posencoding.patch_root_area). */
export function patchRootArea(latMin: number, latMax: number, lonMin: number, lonMax: number): number {
  const sinDifference = f32(f32(Math.sin(radians(latMax))) - f32(Math.sin(radians(latMin))));
  const lonDifference = f32(radians(lonMax) - radians(lonMin));
  const area = f32(f32(f32(EARTH_RADIUS_KM ** 2 * Math.PI) * sinDifference) * lonDifference);
  return f32(Math.sqrt(area));
}

/**
 * The position and scale encodings of a grid's patches as tables the graph gathers from (graph.ts):
 * a patch row shares its latitude encoding and a column its longitude encoding; the scale encoding
 * depends on the patch's area, which Aurora computes in float32 from its corners, so patches of one
 * row may differ in its last bits (and the encoding with them, at these frequencies).
 */
export interface GridEncodings {
  /** (patch rows, D/2): each patch row's latitude encoding, the first half of the position encoding. */
  latitude: Float32Array;
  /** (patch columns, D/2): each column's longitude encoding, the second half. */
  longitude: Float32Array;
  /** (S, D): the scale encodings of each patch row in turn, each distinct one once within its row. */
  scale: Float32Array;
  /** (patch rows + 1): patch row r's scale encodings are rows scaleRowStart[r] .. scaleRowStart[r + 1] of `scale`. */
  scaleRowStart: Int32Array;
  /** (patch rows x patch columns), row-major: each patch's row of `scale`. */
  scaleIndex: Int32Array;
}

/** The encodings of every patch of `grid` at width `d`, computed once for all the tiles of a batch. */
export function gridEncodings(grid: PatchGrid, d: number): GridEncodings {
  if (d % 4 !== 0) throw new Error(`the position encoding needs D divisible by 4, got ${d}`);
  const { lat, lon, patchSize: p } = grid;
  const rows = lat.length / p;
  const columns = lon.length / p;
  const latitude = new Float32Array(rows * (d / 2));
  for (let row = 0; row < rows; row++) expandInto(patchCentre(lat, row * p, p), d / 2, WAVELENGTHS.position, latitude, row * (d / 2));
  const longitude = new Float32Array(columns * (d / 2));
  for (let column = 0; column < columns; column++) expandInto(patchCentre(lon, column * p, p), d / 2, WAVELENGTHS.position, longitude, column * (d / 2));
  const scaleRowStart = new Int32Array(rows + 1);
  const scaleIndex = new Int32Array(rows * columns);
  const roots: number[] = [];
  for (let row = 0; row < rows; row++) {
    const top = row * p;
    const inRow = new Map<number, number>();
    for (let column = 0; column < columns; column++) {
      const left = column * p;
      // Latitudes decrease down the grid, longitudes increase along it.
      const root = patchRootArea(lat[top + p - 1], lat[top], lon[left], lon[left + p - 1]);
      let index = inRow.get(root);
      if (index === undefined) {
        index = roots.push(root) - 1;
        inRow.set(root, index);
      }
      scaleIndex[row * columns + column] = index;
    }
    scaleRowStart[row + 1] = roots.length;
  }
  return { latitude, longitude, scale: expandAll(roots, d, WAVELENGTHS.scale), scaleRowStart, scaleIndex };
}

/** Lead time then absolute time encodings, (1, 2D), the layout of the graph's `time_encoding` input. */
export function timeEncoding(time: Date, d: number, leadTimeHours = LEAD_TIME_HOURS): Float32Array {
  const out = new Float32Array(2 * d);
  expandInto(f32(leadTimeHours), d, WAVELENGTHS.leadTime, out, 0);
  expandInto(f32(time.getTime() / HOURS_MS), d, WAVELENGTHS.absoluteTime, out, d);
  return out;
}

/** Pressure-level encodings (levels.length, D), hPa. */
export const levelsEncoding = (levels: readonly number[], d: number): Float32Array => expandAll(levels, d, WAVELENGTHS.level);

/** The four encodings separately, in Aurora's layouts, for comparisons with Aurora's own. */
export function separateEncodings(grid: PatchGrid, time: Date, levels: readonly number[], d: number) {
  const tables = gridEncodings(grid, d);
  const rows = grid.lat.length / grid.patchSize;
  const columns = grid.lon.length / grid.patchSize;
  const position = new Float32Array(rows * columns * d);
  const scale = new Float32Array(rows * columns * d);
  for (let row = 0; row < rows; row++) {
    for (let column = 0; column < columns; column++) {
      const k = row * columns + column;
      position.set(tables.latitude.subarray(row * (d / 2), (row + 1) * (d / 2)), k * d);
      position.set(tables.longitude.subarray(column * (d / 2), (column + 1) * (d / 2)), k * d + d / 2);
      scale.set(tables.scale.subarray(tables.scaleIndex[k] * d, (tables.scaleIndex[k] + 1) * d), k * d);
    }
  }
  const times = timeEncoding(time, d);
  return {
    position,
    scale,
    leadTime: times.subarray(0, d),
    absoluteTime: times.subarray(d),
    levels: levelsEncoding(levels, d),
  };
}
