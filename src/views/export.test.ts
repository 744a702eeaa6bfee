import { describe, expect, it } from 'vitest';
import { cellGeometry, selectionToCsv, selectionToGeoJson } from './export.ts';
import type { PatchTable } from './types.ts';

const table: PatchTable = {
  count: 3,
  cellBounds: new Float32Array([10, 11, 200, 201, 89, 90, 359.5, 0.5, -5, -4, 179.5, 180.5]),
  cellCentres: new Float32Array([200.5, 10.5, 0, 89.5, 180, -4.5]),
  labels: new Uint8Array([0, 1, 1]),
  predictions: new Uint8Array([1, 1, 0]),
  probabilities: new Float32Array([0.75, 0.5, Number.NaN]),
  pcScores: new Float32Array([1, 2, 3, 4, 5, 6]),
  pcCount: 2,
  classNames: ['Sea', 'Land, coast'],
};

describe('selectionToCsv', () => {
  it('writes a header and one row per selected patch, quoting where needed', () => {
    const csv = selectionToCsv(table, new Uint8Array([1, 0, 1]));
    const lines = csv.trimEnd().split('\n');
    expect(lines[0]).toBe(
      'index,centre_lon,centre_lat,lat_min,lat_max,lon_min,lon_max,label,label_name,prediction,prediction_name,probability,pc1,pc2,concept_score',
    );
    expect(lines[1]).toBe('0,200.5,10.5,10,11,200,201,0,Sea,1,"Land, coast",0.75,1,2,');
    expect(lines[2]).toBe('2,180,-4.5,-5,-4,179.5,180.5,1,"Land, coast",0,Sea,,5,6,');
    expect(lines).toHaveLength(3);
  });
});

function expectValidRing(ring: number[][]) {
  expect(ring.length).toBeGreaterThanOrEqual(4);
  expect(ring[0]).toEqual(ring[ring.length - 1]);
  let area = 0;
  for (let k = 0; k + 1 < ring.length; k++) {
    expect(ring[k][0]).toBeGreaterThanOrEqual(-180);
    expect(ring[k][0]).toBeLessThanOrEqual(180);
    area += ring[k][0] * ring[k + 1][1] - ring[k + 1][0] * ring[k][1];
  }
  // RFC 7946: exterior rings counter-clockwise (positive signed area).
  expect(area).toBeGreaterThan(0);
}

describe('selectionToGeoJson', () => {
  it('writes closed counter-clockwise polygons in signed longitudes with the patch properties', () => {
    const collection = selectionToGeoJson(table, new Uint8Array([1, 1, 1]));
    expect(collection.type).toBe('FeatureCollection');
    expect(collection.features).toHaveLength(3);
    for (const feature of collection.features) {
      const polygons = feature.geometry.type === 'Polygon' ? [feature.geometry.coordinates] : feature.geometry.coordinates;
      for (const polygon of polygons) for (const ring of polygon) expectValidRing(ring);
    }
    const first = collection.features[0];
    expect(first.geometry).toEqual({ type: 'Polygon', coordinates: [[[-160, 10], [-159, 10], [-159, 11], [-160, 11], [-160, 10]]] });
    expect(first.properties.centre).toEqual([-159.5, 10.5]);
    expect(first.properties.pcScores).toEqual([1, 2]);
    expect(first.properties.labelName).toBe('Sea');
    // The cell across 0/360 stays one polygon, from -0.5 to 0.5, reaching the pole.
    expect(collection.features[1].geometry).toEqual({ type: 'Polygon', coordinates: [[[-0.5, 89], [0.5, 89], [0.5, 90], [-0.5, 90], [-0.5, 89]]] });
    expect(collection.features[2].properties.probability).toBeNull();
    // Round-trips through JSON.
    expect(JSON.parse(JSON.stringify(collection))).toEqual(collection);
  });

  it('splits a cell across the antimeridian into two polygons', () => {
    const geometry = cellGeometry(-5, -4, 179.5, 180.5);
    expect(geometry.type).toBe('MultiPolygon');
    expect(geometry.coordinates).toEqual([
      [[[179.5, -5], [180, -5], [180, -4], [179.5, -4], [179.5, -5]]],
      [[[-180, -5], [-179.5, -5], [-179.5, -4], [-180, -4], [-180, -5]]],
    ]);
  });
});
