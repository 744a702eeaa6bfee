// Line work for the globe: coastlines and borders from Natural Earth (world-atlas, bundled with the app),
// a graticule, and region outlines, all as deck.gl binary path data (flat positions plus start indices).
import { mesh } from 'topojson-client';
import type { GeometryCollection, Topology } from 'topojson-specification';
import type { LonLatRing } from './types.ts';

export interface BinaryPaths {
  length: number;
  startIndices: Uint32Array;
  /** (lon, lat, altitude in metres) per vertex. */
  positions: Float32Array;
}

/**
 * Lines lifted this far above the cells: enough to win the depth test against them on the globe (no z-fighting),
 * too little to see as parallax.
 */
export const LINE_ALTITUDE_METRES = 12_000;

/**
 * Splits a line wherever it jumps more than 180 degrees in longitude: Natural Earth cuts shapes at ±180, and a
 * step from 180 to -180 is nothing on the globe but a stroke across the whole flat map.
 */
function splitAtAntimeridian(line: ReadonlyArray<ArrayLike<number>>): ArrayLike<number>[][] {
  const pieces: ArrayLike<number>[][] = [];
  let piece: ArrayLike<number>[] = [];
  for (const point of line) {
    const previous = piece[piece.length - 1];
    if (previous && Math.abs(point[0] - previous[0]) > 180) {
      pieces.push(piece);
      piece = [];
    }
    piece.push(point);
  }
  pieces.push(piece);
  return pieces.filter((p) => p.length >= 2);
}

/** Flattens lines ([[lon, lat], ...] each) into one binary path buffer, clamping latitudes to ±maxLatitude. */
export function linesToBinaryPaths(
  lines: ReadonlyArray<ReadonlyArray<ArrayLike<number>>>,
  maxLatitude = 90,
  altitude = LINE_ALTITUDE_METRES,
): BinaryPaths {
  const kept = lines.flatMap(splitAtAntimeridian);
  let vertexCount = 0;
  for (const line of kept) vertexCount += line.length;
  const startIndices = new Uint32Array(kept.length + 1);
  const positions = new Float32Array(vertexCount * 3);
  let vertex = 0;
  kept.forEach((line, index) => {
    for (const point of line) {
      positions[3 * vertex] = point[0];
      positions[3 * vertex + 1] = Math.max(-maxLatitude, Math.min(maxLatitude, point[1]));
      positions[3 * vertex + 2] = altitude;
      vertex++;
    }
    startIndices[index + 1] = vertex;
  });
  return { length: kept.length, startIndices, positions };
}

/**
 * Inserts points so that no step along a ring exceeds `maxStep` degrees in lon or lat, and closes it.
 * On the globe a straight segment is a chord through the earth; a parallel or a band edge must be drawn in steps.
 */
export function densifyRing(ring: LonLatRing, maxStep: number): [number, number][] {
  const out: [number, number][] = [];
  const closed = ring.length > 0 && (ring[0][0] !== ring[ring.length - 1][0] || ring[0][1] !== ring[ring.length - 1][1])
    ? [...ring, ring[0]]
    : ring;
  for (let k = 0; k + 1 < closed.length; k++) {
    const [lon0, lat0] = closed[k];
    const [lon1, lat1] = closed[k + 1];
    const steps = Math.max(1, Math.ceil(Math.max(Math.abs(lon1 - lon0), Math.abs(lat1 - lat0)) / maxStep));
    for (let s = 0; s < steps; s++) out.push([lon0 + ((lon1 - lon0) * s) / steps, lat0 + ((lat1 - lat0) * s) / steps]);
  }
  if (closed.length > 0) out.push([closed[closed.length - 1][0], closed[closed.length - 1][1]]);
  return out;
}

/**
 * The outline of a longitude band [west, east] degrees east, pole to pole; east < west wraps through 0/360,
 * east is made greater than west so that the band is drawn the short way it was meant.
 */
export function longitudeBandRing(west: number, east: number): LonLatRing {
  const eastUnwrapped = east < west ? east + 360 : east;
  return [
    [west, -90],
    [west, 90],
    [eastUnwrapped, 90],
    [eastUnwrapped, -90],
    [west, -90],
  ];
}

/** A lon/lat box (south, north, west, east) as a ring, e.g. the region of study. */
export function boxRing(south: number, north: number, west: number, east: number): LonLatRing {
  const eastUnwrapped = east < west ? east + 360 : east;
  return [
    [west, south],
    [eastUnwrapped, south],
    [eastUnwrapped, north],
    [west, north],
    [west, south],
  ];
}

/** Meridians and parallels every `step` degrees, each sampled every 2 degrees so it follows the sphere. */
export function graticuleLines(step = 30): [number, number][][] {
  const lines: [number, number][][] = [];
  for (let lon = -180; lon < 180; lon += step) {
    const meridian: [number, number][] = [];
    for (let lat = -90; lat <= 90; lat += 2) meridian.push([lon, lat]);
    lines.push(meridian);
  }
  for (let lat = -90 + step; lat < 90; lat += step) {
    const parallel: [number, number][] = [];
    for (let lon = -180; lon <= 180; lon += 2) parallel.push([lon, lat]);
    lines.push(parallel);
  }
  return lines;
}

export interface Basemap {
  coastlines: [number, number][][];
  borders: [number, number][][];
}

type WorldTopology = Topology<{ countries: GeometryCollection; land: GeometryCollection }>;

/** Coastlines and country borders from topojson: land outlines, and only the arcs two countries share. */
export function basemapFromTopology(topology: WorldTopology): Basemap {
  const coastlines = mesh(topology, topology.objects.land).coordinates as [number, number][][];
  const borders = mesh(topology, topology.objects.countries, (a, b) => a !== b).coordinates as [number, number][][];
  return { coastlines, borders };
}

/** 'coarse' is Natural Earth 1:110m, enough for the whole globe; 'fine' is 1:50m, for a camera close in. */
export type BasemapDetail = 'coarse' | 'fine';

const basemapPromises = new Map<BasemapDetail, Promise<Basemap>>();

/**
 * Natural Earth at `detail`, loaded on first use as a chunk of the app's own bundle: no request leaves the app.
 * With software WebGL every line segment costs time in each frame, and 1:50m has ten times as many as 1:110m.
 */
export function loadBasemap(detail: BasemapDetail): Promise<Basemap> {
  let promise = basemapPromises.get(detail);
  if (!promise) {
    const topology = detail === 'fine' ? import('world-atlas/countries-50m.json') : import('world-atlas/countries-110m.json');
    promise = topology.then((module) => basemapFromTopology(module.default as unknown as WorldTopology));
    basemapPromises.set(detail, promise);
  }
  return promise;
}
