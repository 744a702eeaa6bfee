// Exports of the selected patches (CSV, GeoJSON) as pure string builders, and the small DOM glue that saves them
// and the views' PNGs.
import type { Deck } from '@deck.gl/core';
import type { Feature, FeatureCollection, MultiPolygon, Polygon, Position } from 'geojson';
import { convertLongitude } from '../data/geometry.ts';
import { ProductError } from '../errors.ts';
import { selectedIndices } from './selection.ts';
import type { PatchTable } from './types.ts';

/** A PNG that the browser could not draw or encode (no 2D canvas, a canvas too large to encode). */
export class ExportError extends ProductError {
  readonly kind = 'export';
  constructor(detail: string) {
    super(`${detail}. Try a smaller window, or export the CSV instead.`);
  }
}

/** `value` to `digits` decimals, as the exports write numbers. */
function round(value: number, digits: number): number {
  return Number(value.toFixed(digits));
}

function numberCell(value: number | undefined, digits: number): string {
  return value === undefined || !Number.isFinite(value) ? '' : String(round(value, digits));
}

function csvField(text: string): string {
  return /[",\n\r]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

function className(table: PatchTable, k: number | undefined): string {
  return k === undefined ? '' : (table.classNames?.[k] ?? String(k));
}

/**
 * One row per selected patch: index, centre, bounds (longitudes east in [0, 360) as in the data),
 * label, prediction, probability, PC scores and concept score when known.
 */
export function selectionToCsv(table: PatchTable, selection: Uint8Array): string {
  const pcCount = table.pcScores ? (table.pcCount ?? 0) : 0;
  const header = [
    'index', 'centre_lon', 'centre_lat', 'lat_min', 'lat_max', 'lon_min', 'lon_max',
    'label', 'label_name', 'prediction', 'prediction_name', 'probability',
    ...Array.from({ length: pcCount }, (_, k) => `pc${k + 1}`),
    'concept_score',
  ];
  const lines = [header.join(',')];
  for (const i of selectedIndices(selection)) {
    const label = table.labels?.[i];
    const prediction = table.predictions?.[i];
    const cells = [
      String(i),
      numberCell(table.cellCentres[2 * i], 4),
      numberCell(table.cellCentres[2 * i + 1], 4),
      numberCell(table.cellBounds[4 * i], 4),
      numberCell(table.cellBounds[4 * i + 1], 4),
      numberCell(table.cellBounds[4 * i + 2], 4),
      numberCell(table.cellBounds[4 * i + 3], 4),
      label === undefined ? '' : String(label),
      csvField(className(table, label)),
      prediction === undefined ? '' : String(prediction),
      csvField(className(table, prediction)),
      numberCell(table.probabilities?.[i], 6),
      ...Array.from({ length: pcCount }, (_, k) => numberCell(table.pcScores?.[i * pcCount + k], 6)),
      numberCell(table.conceptScores?.[i], 6),
    ];
    lines.push(cells.join(','));
  }
  return `${lines.join('\n')}\n`;
}

/**
 * The cell as a counter-clockwise closed ring with longitudes in [-180, 180]; a cell crossing the antimeridian
 * becomes two rings, one each side, as RFC 7946 section 3.1.9 asks.
 */
export function cellGeometry(latMin: number, latMax: number, lonMin: number, lonMax: number): Polygon | MultiPolygon {
  let width = lonMax - lonMin;
  if (width < 0) width += 360;
  const west = convertLongitude(lonMin, '-180..180');
  const east = west + width;
  const ring = (w: number, e: number): Position[] => [
    [round(w, 6), round(latMin, 6)],
    [round(e, 6), round(latMin, 6)],
    [round(e, 6), round(latMax, 6)],
    [round(w, 6), round(latMax, 6)],
    [round(w, 6), round(latMin, 6)],
  ];
  if (east <= 180) return { type: 'Polygon', coordinates: [ring(west, east)] };
  return { type: 'MultiPolygon', coordinates: [[ring(west, 180)], [ring(-180, east - 360)]] };
}

export interface PatchProperties {
  index: number;
  centre: [number, number];
  bounds: { latMin: number; latMax: number; lonMin: number; lonMax: number };
  label: number | null;
  labelName: string | null;
  prediction: number | null;
  predictionName: string | null;
  probability: number | null;
  pcScores: (number | null)[] | null;
  conceptScore: number | null;
}

function finiteOrNull(value: number | undefined, digits: number): number | null {
  return value === undefined || !Number.isFinite(value) ? null : round(value, digits);
}

/** A FeatureCollection of the selected cells, their properties in signed longitudes like the geometry. */
export function selectionToGeoJson(table: PatchTable, selection: Uint8Array): FeatureCollection<Polygon | MultiPolygon, PatchProperties> {
  const pcCount = table.pcScores ? (table.pcCount ?? 0) : 0;
  const features: Feature<Polygon | MultiPolygon, PatchProperties>[] = [];
  for (const i of selectedIndices(selection)) {
    const [latMin, latMax, lonMin, lonMax] = table.cellBounds.subarray(4 * i, 4 * i + 4);
    const label = table.labels?.[i];
    const prediction = table.predictions?.[i];
    features.push({
      type: 'Feature',
      id: i,
      geometry: cellGeometry(latMin, latMax, lonMin, lonMax),
      properties: {
        index: i,
        centre: [round(convertLongitude(table.cellCentres[2 * i], '-180..180'), 6), round(table.cellCentres[2 * i + 1], 6)],
        bounds: {
          latMin: round(latMin, 6),
          latMax: round(latMax, 6),
          lonMin: round(convertLongitude(lonMin, '-180..180'), 6),
          lonMax: round(convertLongitude(lonMax, '-180..180'), 6),
        },
        label: label ?? null,
        labelName: label === undefined ? null : className(table, label),
        prediction: prediction ?? null,
        predictionName: prediction === undefined ? null : className(table, prediction),
        probability: finiteOrNull(table.probabilities?.[i], 6),
        pcScores: pcCount > 0 ? Array.from({ length: pcCount }, (_, k) => finiteOrNull(table.pcScores?.[i * pcCount + k], 6)) : null,
        conceptScore: finiteOrNull(table.conceptScores?.[i], 6),
      },
    });
  }
  return { type: 'FeatureCollection', features };
}

/** Saves text or a data URL as a file through a temporary link. */
export function saveFile(fileName: string, content: string | Blob, mimeType = 'text/plain'): void {
  const blob = typeof content === 'string' ? new Blob([content], { type: mimeType }) : content;
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  link.click();
  // Revoke after the click has been handled, or some browsers download nothing.
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

export interface PngCaption {
  text: string;
  x: number;
  y: number;
  align?: CanvasTextAlign;
  rotate?: boolean;
}

/**
 * A PNG of WebGL canvases stacked in order (the first at the bottom) on an opaque background, with optional text
 * drawn on top (axis titles, a date): the canvases are transparent where nothing was drawn, and HTML overlays are not in them.
 */
export async function canvasToPng(canvases: readonly HTMLCanvasElement[], background: string, captions: readonly PngCaption[] = []): Promise<Blob> {
  const [base] = canvases;
  const out = document.createElement('canvas');
  out.width = base.width;
  out.height = base.height;
  const context = out.getContext('2d');
  if (!context) throw new ExportError('The browser gave no 2D canvas to draw the PNG on');
  context.fillStyle = background;
  context.fillRect(0, 0, out.width, out.height);
  for (const canvas of canvases) context.drawImage(canvas, 0, 0);
  const scale = base.width / Math.max(1, base.clientWidth || base.width);
  context.fillStyle = '#d7dde8';
  context.font = `${Math.round(12 * scale)}px system-ui, sans-serif`;
  for (const caption of captions) {
    context.save();
    context.translate(caption.x * scale, caption.y * scale);
    if (caption.rotate) context.rotate(-Math.PI / 2);
    context.textAlign = caption.align ?? 'left';
    context.fillText(caption.text, 0, 0);
    context.restore();
  }
  return new Promise((resolve, reject) =>
    out.toBlob((blob) => (blob ? resolve(blob) : reject(new ExportError('The browser could not encode the PNG'))), 'image/png'),
  );
}

/** Saves what `decks` show, stacked in order, as `fileName` on `background` with `captions`; nothing while one has no canvas yet. */
export async function saveDeckPng(decks: readonly (Deck | undefined)[], fileName: string, background: string, captions: readonly PngCaption[] = []): Promise<void> {
  const canvases: HTMLCanvasElement[] = [];
  for (const deck of decks) {
    const canvas = deck?.getCanvas();
    if (!deck || !canvas) return;
    // Draw now so that the drawing buffer holds this frame when it is read.
    deck.redraw('export');
    canvases.push(canvas);
  }
  if (canvases.length > 0) saveFile(fileName, await canvasToPng(canvases, background, captions));
}
