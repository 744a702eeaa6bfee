// Default tooltip text for a patch, from whatever the patch table already knows.
import { convertLongitude } from '../data/geometry.ts';
import type { PatchTable, TooltipContent } from './types.ts';

export function formatLatitude(lat: number): string {
  return `${Math.abs(lat).toFixed(2)}° ${lat >= 0 ? 'N' : 'S'}`;
}

export function formatLongitude(lonEast: number): string {
  const signed = convertLongitude(lonEast, '-180..180');
  return `${Math.abs(signed).toFixed(2)}° ${signed >= 0 ? 'E' : 'W'}`;
}

/** A place in words, e.g. 51.50° N, 0.12° W. */
export function formatPlace(lat: number, lonEast: number): string {
  return `${formatLatitude(lat)}, ${formatLongitude(lonEast)}`;
}

export function describePatch(table: PatchTable, index: number): TooltipContent {
  const rows: [string, string][] = [
    ['Centre', formatPlace(table.cellCentres[2 * index + 1], table.cellCentres[2 * index])],
  ];
  const name = (k: number) => table.classNames?.[k] ?? String(k);
  if (table.labels) rows.push(['Label', name(table.labels[index])]);
  if (table.predictions) rows.push(['Prediction', name(table.predictions[index])]);
  if (table.probabilities && Number.isFinite(table.probabilities[index])) {
    rows.push(['Probability', table.probabilities[index].toFixed(3)]);
  }
  const pcCount = table.pcCount ?? 0;
  if (table.pcScores) {
    for (let k = 0; k < Math.min(3, pcCount); k++) rows.push([`PC${k + 1}`, table.pcScores[index * pcCount + k].toFixed(2)]);
  }
  if (table.conceptScores) rows.push(['Concept score', table.conceptScores[index].toFixed(3)]);
  return { title: `Patch ${index}`, rows };
}
