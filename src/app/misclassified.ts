// The misclassified test patches of a land-sea result, most confident errors first.
import type { ExplorerResult } from '../state/result.ts';
import { formatLatitude, formatLongitude } from '../views/describe-patch.ts';

export interface MisclassifiedRow {
  index: number;
  probability: number;
  kind: 'land called sea' | 'sea called land';
  place: string;
}

export function formatPlace(lat: number, lon: number): string {
  return `${formatLatitude(lat)}, ${formatLongitude(lon)}`;
}

export function misclassifiedPatches(result: ExplorerResult): { rows: MisclassifiedRow[]; landCalledSea: number; seaCalledLand: number } {
  const { labels, predictions, probabilities } = result.table;
  const rows: MisclassifiedRow[] = [];
  if (!labels || !predictions || !probabilities) return { rows, landCalledSea: 0, seaCalledLand: 0 };
  for (let i = 0; i < result.table.count; i++) {
    if (!result.isTest[i] || labels[i] === predictions[i]) continue;
    rows.push({
      index: i,
      probability: probabilities[i],
      kind: labels[i] === 1 ? 'land called sea' : 'sea called land',
      place: formatPlace(result.centreLat[i], result.centreLon[i]),
    });
  }
  // Confidence in the wrong answer: distance of the probability from 0.5.
  rows.sort((a, b) => Math.abs(b.probability - 0.5) - Math.abs(a.probability - 0.5) || a.index - b.index);
  const landCalledSea = rows.filter((row) => row.kind === 'land called sea').length;
  return { rows, landCalledSea, seaCalledLand: rows.length - landCalledSea };
}
