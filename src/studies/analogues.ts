// Analogue search over study times, for the CLI's `analogues`: the query is a box or a list of patches
// at one of the times, and every patch of every time is scored against it at one latent level by the
// same AnalogueIndex the app's probes worker searches (probes/analogues.ts). The best matches away
// from the selection are named by their time, patch and place.
import { longitudeInRange, type LatLonBox } from '../data/geometry.ts';
import { AnalogueIndex, type AnalogueMetric, type AnalogueMode } from '../probes/analogues.ts';
import type { JobControl } from '../probes/job.ts';
import { StudyInputError } from './progress.ts';
import { levelMatrix, type StudyTime } from './study-time.ts';

/** The query's patches: those whose centres lie in a box, or a list of global patch indices. */
export type AnalogueSelection = { kind: 'box'; box: LatLonBox } | { kind: 'patches'; patches: readonly number[] };

export interface StudyAnalogueRequest {
  /** Index among the times of the one the selection is made at. */
  queryTime: number;
  selection: AnalogueSelection;
  level: number;
  mode: AnalogueMode;
  metric: AnalogueMetric;
  /** How many matches, best first. */
  count: number;
}

export interface StudyAnalogue {
  time: Date;
  /** Global patch index, row-major from the north-west of the full grid. */
  patch: number;
  /** The patch centre, degrees (longitude in [0, 360)). */
  lat: number;
  lon: number;
  /** Cosine similarity (higher is closer) or Euclidean distance (lower is closer). */
  score: number;
}

export interface StudyAnalogues {
  mode: AnalogueMode;
  metric: AnalogueMetric;
  level: number;
  queryTime: Date;
  /** The selected patches (global indices), left out of the matches. */
  queryPatches: Int32Array;
  /** Best first. */
  matches: StudyAnalogue[];
  /** False when the backend's scores disagreed with exact ones and every score was recomputed on the CPU. */
  backendAgreed: boolean;
}

/** The rows of a study time that a selection names, ascending; a StudyInputError when none, or a patch it lacks. */
export function selectionRows(time: StudyTime, selection: AnalogueSelection): Uint32Array {
  const { indices, centreLat, centreLon } = time.patches;
  if (selection.kind === 'box') {
    const { south, north, west, east } = selection.box;
    const rows: number[] = [];
    for (let row = 0; row < indices.length; row++) {
      if (centreLat[row] >= south && centreLat[row] <= north && longitudeInRange(centreLon[row], west, east)) rows.push(row);
    }
    if (rows.length === 0) throw new StudyInputError(`no patch centre lies in the query box ${south},${north},${west},${east} (S,N,W,E): widen it, or name patches`);
    return Uint32Array.from(rows);
  }
  const rowOf = new Map(Array.from(indices, (patch, row) => [patch, row]));
  const rows = new Set<number>();
  for (const patch of selection.patches) {
    const row = rowOf.get(patch);
    if (row === undefined) throw new StudyInputError(`patch ${patch} is not among the ${indices.length} patches read (${indices[0]} .. ${indices[indices.length - 1]}): name patches of the output's 'patch' column`);
    rows.add(row);
  }
  if (rows.size === 0) throw new StudyInputError('the query names no patch: give at least one');
  return Uint32Array.from([...rows].sort((a, b) => a - b));
}

/** Scores every patch of every time against the selection at the query's time, at one level; the selection itself is not listed. */
export async function searchStudyAnalogues(times: readonly StudyTime[], request: StudyAnalogueRequest, control?: JobControl): Promise<StudyAnalogues> {
  const queryTime = times[request.queryTime];
  if (!queryTime) throw new StudyInputError(`the query's time is number ${request.queryTime} of ${times.length} read`);
  const rows = selectionRows(queryTime, request.selection);
  const index = AnalogueIndex.create(times.map((time) => levelMatrix(time, request.level)));
  try {
    const found = await index.search({ time: request.queryTime, rows, mode: request.mode, metric: request.metric, count: request.count }, control);
    const matches = found.matches.map((match) => {
      const { patches, time } = times[match.time];
      return { time, patch: patches.indices[match.row], lat: patches.centreLat[match.row], lon: patches.centreLon[match.row], score: match.score };
    });
    return {
      mode: request.mode,
      metric: request.metric,
      level: request.level,
      queryTime: queryTime.time,
      queryPatches: Int32Array.from(rows, (row) => queryTime.patches.indices[row]),
      matches,
      backendAgreed: found.backendAgreed,
    };
  } finally {
    index.dispose();
  }
}
