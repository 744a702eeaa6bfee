// Study 1's analogue search in the app: the selection on the scatter or the globe is the query (its
// mean latent, or each of its patches), every patch of the run's time and level is scored against it
// in the probes worker, and the best matches away from the selection are listed with their place and
// what the run knows of them (land fraction, 2 m temperature, elevation).
import type { AnalogueMetric, AnalogueMode, AnalogueResult } from '../../probes/analogues.ts';
import type { ExplorerResult } from '../../state/result.ts';
import { PATCH_INPUT_COLUMNS } from '../../studies/patch-inputs.ts';
import { formatPlace, type AnalogueListItem } from '../../views/index.ts';

/** The search's query and settings, as the probes worker takes them. */
export interface AnalogueSearch {
  /** The run's features key in the probes worker. */
  features: string;
  rows: Uint32Array;
  mode: AnalogueMode;
  metric: AnalogueMetric;
}

export type FindAnalogues = (search: AnalogueSearch, signal: AbortSignal) => Promise<AnalogueResult>;

/** The selected rows of a mask, ascending. */
export function selectedRows(mask: Uint8Array): Uint32Array {
  let count = 0;
  for (const flag of mask) if (flag) count++;
  const rows = new Uint32Array(count);
  for (let i = 0, k = 0; i < mask.length; i++) if (mask[i]) rows[k++] = i;
  return rows;
}

const SURFACE_COLUMNS = PATCH_INPUT_COLUMNS.length;
const TEMPERATURE_NOW = PATCH_INPUT_COLUMNS.findIndex((column) => column.key === '2t@t');

/** A match as the list shows it: its time and place, its score, and the run's facts about the patch. */
export function analogueItems(result: ExplorerResult, search: AnalogueResult): AnalogueListItem[] {
  const { studyTime, table } = result;
  const time = result.time.slice(0, 16).replace('T', ' ');
  return search.matches.map((match) => {
    const row = match.row;
    const facts = [`land ${studyTime.landFraction[row].toFixed(2)}`];
    const era5 = studyTime.era5;
    if (era5) {
      facts.push(`2 m T ${(era5.surface[row * SURFACE_COLUMNS + TEMPERATURE_NOW] - 273.15).toFixed(1)} °C`);
      facts.push(`elevation ${Math.round(era5.elevation[row])} m`);
    }
    return {
      key: `${match.time}:${row}`,
      time,
      place: `Patch ${row} · ${formatPlace(table.cellCentres[2 * row + 1], table.cellCentres[2 * row])}`,
      score: match.score,
      detail: facts.join(' · '),
    };
  });
}

/** The query in words, e.g. 'mean latent of 42 selected patches at 2022-08-07 06:00'. */
export function describeQuery(rows: number, mode: AnalogueMode, time: string): string {
  const patches = `${rows.toLocaleString('en')} selected patch${rows === 1 ? '' : 'es'}`;
  return `${mode === 'mean' ? `mean latent of the ${patches}` : `nearest of the ${patches}`} at ${time.slice(0, 16).replace('T', ' ')}`;
}
