// Patch geometry of Aurora's encoder, in one place: patch index <-> (row, col) <-> centre <-> bounds
// <-> area, and THE longitude-convention conversion that everything else in the product calls.
//
// Aurora cuts the (cropped) grid, latitudes decreasing and longitudes increasing in [0, 360), into
// PATCH_SIZE x PATCH_SIZE blocks of grid points, numbered row-major from the north-west corner.

export const PATCH_SIZE = 4;
/** Mean Earth radius (km), the figure Aurora uses for patch areas. */
export const EARTH_RADIUS_KM = 6371;

/** '0..360' is [0, 360) as in ERA5 and Aurora; '-180..180' is [-180, 180) as in most maps and CDS files. */
export type LongitudeConvention = '0..360' | '-180..180';

/** The one conversion between longitude conventions; any finite longitude goes in. */
export function convertLongitude(lon: number, to: LongitudeConvention): number {
  // Values already in range come back untouched, so that a round trip adds no rounding error.
  if (to === '0..360') return lon >= 0 && lon < 360 ? lon : wrapTo360(lon);
  if (lon >= -180 && lon < 180) return lon;
  const lon360 = wrapTo360(lon);
  return lon360 >= 180 ? lon360 - 360 : lon360;
}

/**
 * Whether a longitude lies in [west, east], inclusive, any convention: a range whose west edge is
 * east of its east edge (once both are in [0, 360)) crosses the 0/360 meridian. The one rule for
 * which patches a box holds, by their centres, for the reader and the encoder alike.
 */
export function longitudeInRange(lon: number, west: number, east: number): boolean {
  const at = convertLongitude(lon, '0..360');
  const from = convertLongitude(west, '0..360');
  const to = convertLongitude(east, '0..360');
  return from <= to ? at >= from && at <= to : at >= from || at <= to;
}

function wrapTo360(lon: number): number {
  const wrapped = ((lon % 360) + 360) % 360; // 360 only by rounding of tiny negatives
  return wrapped === 360 ? 0 : wrapped;
}

/**
 * The grid points of some whole patch rows of a full patch grid.
 * A region batch holds only a band of rows; its patches keep their numbers in the full grid.
 */
export interface PatchGrid {
  /** Latitudes of the rows held, strictly decreasing; a multiple of PATCH_SIZE of them. */
  lat: Float64Array;
  /** Longitudes, strictly increasing in [0, 360); a multiple of PATCH_SIZE of them. */
  lon: Float64Array;
  /** Patch rows of the full grid north of the rows held. */
  firstPatchRow: number;
  /** Patch rows of the full grid. */
  totalPatchRows: number;
}

export interface PatchCentre {
  lat: number;
  lon: number;
}

/**
 * The area a patch stands for: its grid points widened by half a grid spacing, so that the patches
 * tile the sphere with no gaps (latitudes clamped to the poles). `west` is below 0 for the first
 * column, so that west < east always holds.
 */
export interface PatchBounds {
  south: number;
  north: number;
  west: number;
  east: number;
}

/**
 * A patch grid over rows of a full grid.
 * @param rowOffset index of the first row held in the full (cropped) grid; a multiple of PATCH_SIZE.
 * @param fullHeight rows of the full (cropped) grid.
 */
export function createPatchGrid(
  lat: Float64Array,
  lon: Float64Array,
  rowOffset = 0,
  fullHeight = lat.length,
): PatchGrid {
  for (const [name, size] of [
    ['latitude rows', lat.length],
    ['longitude columns', lon.length],
    ['row offset', rowOffset],
    ['full height', fullHeight],
  ] as const) {
    if (size % PATCH_SIZE !== 0) throw new RangeError(`Patch grid: ${name} (${size}) is not a multiple of ${PATCH_SIZE}`);
  }
  if (lat.length === 0 || lon.length === 0) throw new RangeError('Patch grid: no grid points');
  if (rowOffset + lat.length > fullHeight) {
    throw new RangeError(`Patch grid: rows ${rowOffset}..${rowOffset + lat.length} exceed the full height ${fullHeight}`);
  }
  if (!isStrictlyMonotonic(lat, -1)) throw new RangeError('Patch grid: latitudes must be strictly decreasing');
  if (!isStrictlyMonotonic(lon, 1) || lon[0] < 0 || lon[lon.length - 1] >= 360) {
    throw new RangeError('Patch grid: longitudes must be strictly increasing in [0, 360)');
  }
  return { lat, lon, firstPatchRow: rowOffset / PATCH_SIZE, totalPatchRows: fullHeight / PATCH_SIZE };
}

export function patchColumns(grid: PatchGrid): number {
  return grid.lon.length / PATCH_SIZE;
}

/** Patch rows held by this grid (all of them unless it is a region). */
export function heldPatchRows(grid: PatchGrid): number {
  return grid.lat.length / PATCH_SIZE;
}

/** Patches held by this grid. */
export function heldPatchCount(grid: PatchGrid): number {
  return heldPatchRows(grid) * patchColumns(grid);
}

/** Global patch index (in the full grid) of a global patch row and column. */
export function patchIndex(grid: PatchGrid, row: number, col: number): number {
  return row * patchColumns(grid) + col;
}

/** Global patch row and column of a global patch index. */
export function patchRowCol(grid: PatchGrid, index: number): { row: number; col: number } {
  const cols = patchColumns(grid);
  return { row: Math.floor(index / cols), col: index % cols };
}

/** Centre of a patch: the mean of its grid latitudes and longitudes, as Aurora computes it. */
export function patchCentre(grid: PatchGrid, index: number): PatchCentre {
  const { firstRow, firstCol } = firstGridPoint(grid, index);
  let lat = 0;
  let lon = 0;
  for (let k = 0; k < PATCH_SIZE; k++) {
    lat += grid.lat[firstRow + k];
    lon += grid.lon[firstCol + k];
  }
  return { lat: lat / PATCH_SIZE, lon: lon / PATCH_SIZE };
}

/** Centres of every patch held, in patch order (global indices firstPatchRow * columns onwards). */
export function patchCentres(grid: PatchGrid): { lat: Float64Array; lon: Float64Array } {
  const rows = heldPatchRows(grid);
  const cols = patchColumns(grid);
  const lat = new Float64Array(rows * cols);
  const lon = new Float64Array(rows * cols);
  const first = grid.firstPatchRow * cols;
  for (let i = 0; i < rows * cols; i++) {
    const centre = patchCentre(grid, first + i);
    lat[i] = centre.lat;
    lon[i] = centre.lon;
  }
  return { lat, lon };
}

export function patchBounds(grid: PatchGrid, index: number): PatchBounds {
  const { firstRow, firstCol } = firstGridPoint(grid, index);
  const halfLat = latitudeSpacing(grid) / 2;
  const halfLon = longitudeSpacing(grid) / 2;
  return {
    north: Math.min(90, grid.lat[firstRow] + halfLat),
    south: Math.max(-90, grid.lat[firstRow + PATCH_SIZE - 1] - halfLat),
    west: grid.lon[firstCol] - halfLon,
    east: grid.lon[firstCol + PATCH_SIZE - 1] + halfLon,
  };
}

/** Area (km²) of a latitude-longitude rectangle on the sphere. */
export function rectangleAreaKm2(bounds: PatchBounds): number {
  const toRadians = Math.PI / 180;
  const sinBand = Math.sin(bounds.north * toRadians) - Math.sin(bounds.south * toRadians);
  return EARTH_RADIUS_KM * EARTH_RADIUS_KM * sinBand * (bounds.east - bounds.west) * toRadians;
}

export function patchAreaKm2(grid: PatchGrid, index: number): number {
  return rectangleAreaKm2(patchBounds(grid, index));
}

/** Weight for area-weighted statistics: cos(latitude of the patch centre), 1 at the equator. */
export function cosLatitudeWeight(centreLat: number): number {
  return Math.max(0, Math.cos((centreLat * Math.PI) / 180));
}

/**
 * Global index of the patch whose bounds contain a place, or undefined when the place lies outside
 * the rows held (a region, or the row Aurora crops). `lon` may be in either convention.
 */
export function findPatch(grid: PatchGrid, lat: number, lon: number): number | undefined {
  const dLat = latitudeSpacing(grid);
  const dLon = longitudeSpacing(grid);
  const localRow = Math.floor((grid.lat[0] + dLat / 2 - lat) / dLat);
  const heldRow = Math.floor(localRow / PATCH_SIZE);
  if (lat > 90 || lat < -90 || heldRow < 0 || heldRow >= heldPatchRows(grid)) return undefined;

  const lon360 = convertLongitude(lon, '0..360');
  // Measure eastwards from the western edge of the first column, wrapping once around the globe.
  const fromWestEdge = convertLongitude(lon360 - (grid.lon[0] - dLon / 2), '0..360');
  const cols = patchColumns(grid);
  let col = Math.floor(Math.floor(fromWestEdge / dLon) / PATCH_SIZE);
  const isGlobal = Math.abs(grid.lon.length * dLon - 360) < dLon / 2;
  if (col >= cols) {
    if (!isGlobal) return undefined;
    col %= cols; // a rounding hair short of 360 degrees
  }
  return patchIndex(grid, grid.firstPatchRow + heldRow, col);
}

function firstGridPoint(grid: PatchGrid, index: number): { firstRow: number; firstCol: number } {
  const { row, col } = patchRowCol(grid, index);
  const heldRow = row - grid.firstPatchRow;
  if (!Number.isInteger(index) || heldRow < 0 || heldRow >= heldPatchRows(grid)) {
    throw new RangeError(
      `Patch ${index} (row ${row}) is not among the rows held (${grid.firstPatchRow}..${grid.firstPatchRow + heldPatchRows(grid) - 1})`,
    );
  }
  return { firstRow: heldRow * PATCH_SIZE, firstCol: col * PATCH_SIZE };
}

function latitudeSpacing(grid: PatchGrid): number {
  return (grid.lat[0] - grid.lat[grid.lat.length - 1]) / (grid.lat.length - 1);
}

function longitudeSpacing(grid: PatchGrid): number {
  return (grid.lon[grid.lon.length - 1] - grid.lon[0]) / (grid.lon.length - 1);
}

function isStrictlyMonotonic(values: Float64Array, sign: 1 | -1): boolean {
  for (let i = 1; i < values.length; i++) if ((values[i] - values[i - 1]) * sign <= 0) return false;
  return true;
}

/** A latitude-longitude box; longitudes in either convention, a west edge east of the east edge crossing 0/360. */
export interface LatLonBox {
  south: number;
  north: number;
  west: number;
  east: number;
}

/** Great-circle distance (km) between two places on the sphere of radius EARTH_RADIUS_KM (haversine). */
export function greatCircleKm(latA: number, lonA: number, latB: number, lonB: number): number {
  const toRadians = Math.PI / 180;
  const dLat = (latB - latA) * toRadians;
  const dLon = (lonB - lonA) * toRadians;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(latA * toRadians) * Math.cos(latB * toRadians) * Math.sin(dLon / 2) ** 2;
  return 2 * EARTH_RADIUS_KM * Math.asin(Math.min(1, Math.sqrt(h)));
}
