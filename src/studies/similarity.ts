// How alike two latent spaces are (linear CKA, probes/cka.ts) on the same patches: a model against
// its untrained control, two models, a latent store against an encoding (each latent level of one
// against each of the other's), one model's levels against each other, or one level at several times.
// Each row of a matrix comes with its noise floor: the CKA of that representation against a copy of
// itself with every column shuffled, which is what unrelated representations of this many patches
// score. Shared by the CLI and the app's probes worker.
import type { JobControl } from '../probes/job.ts';
import { ckaMatrix, columnShuffled, linearCka } from '../probes/cka.ts';
import { featureMatrix, selectRows, type FeatureMatrix } from '../probes/matrix.ts';
import { StudyInputError } from './progress.ts';
import { levelMatrix, type StudyTime } from './study-time.ts';

/** The latents of some levels of one source at one time, with the patches they are of. */
export interface Representation {
  /** The source, e.g. a model's name or a latent store's location. */
  name: string;
  time: Date;
  /** Global patch index of each row, ascending. */
  patchIndices: Int32Array;
  /** The latent levels held: 0 the surface, 1.. the atmospheric levels. */
  levels: readonly number[];
  /** (patches, D) of one level held. */
  level(level: number): FeatureMatrix;
}

/** A study time's latents as a representation. */
export function studyTimeRepresentation(name: string, time: StudyTime): Representation {
  return { name, time: time.time, patchIndices: time.patches.indices, levels: time.latents.levels, level: (level) => levelMatrix(time, level) };
}

/** Latents read level by level (e.g. from a latent store), rows in `patchIndices` order. */
export function levelsRepresentation(name: string, time: Date, patchIndices: Int32Array, byLevel: ReadonlyMap<number, Float32Array>): Representation {
  const levels = [...byLevel.keys()].sort((a, b) => a - b);
  return {
    name,
    time,
    patchIndices,
    levels,
    level: (level) => {
      const data = byLevel.get(level);
      if (!data) throw new StudyInputError(`${name} holds latent levels ${levels.join(', ')}, not ${level}`);
      return featureMatrix(data, patchIndices.length, data.length / Math.max(1, patchIndices.length));
    },
  };
}

/** A latent level's name in a matrix's headings. */
export const levelName = (level: number): string => (level === 0 ? 'surface' : `atmos ${level}`);

export interface SimilarityMatrix {
  /** What each row and column is, e.g. 'surface', 'atmos 1', or a time. */
  rowLabels: string[];
  columnLabels: string[];
  /** rows x columns, row-major. */
  values: Float64Array;
  /** Per row: CKA against a column-shuffled copy of that row's representation (the noise floor). */
  floor: Float64Array;
  /** Patches the CKA was computed over (those both sides have). */
  patches: number;
}

export interface SimilarityOptions {
  /** Seed of the column shuffles. */
  seed?: number;
  control?: JobControl;
}

/** CKA of each level of `a` against each of `b` (the same levels by default), on the patches both have. */
export async function compareLevels(
  a: Representation,
  b: Representation,
  levels: { a: readonly number[]; b: readonly number[] },
  options: SimilarityOptions = {},
): Promise<SimilarityMatrix> {
  if (a.time.getTime() !== b.time.getTime()) throw new StudyInputError(`${a.name} is of ${a.time.toISOString()} and ${b.name} of ${b.time.toISOString()}: compare the same time`);
  const rows = sharedRows(a, b);
  const left = levels.a.map((level) => rowsOf(a.level(level), rows.a));
  // One list against itself shares its matrices, so that ckaMatrix computes each pair once.
  const right = a === b && sameLevels(levels.a, levels.b) ? left : levels.b.map((level) => rowsOf(b.level(level), rows.b));
  return similarity(left, right, levels.a.map(levelName), levels.b.map(levelName), options);
}

/** CKA of one level at each time against the same level at every other, on the patches all the times have. */
export async function compareTimes(times: readonly Representation[], level: number, options: SimilarityOptions = {}): Promise<SimilarityMatrix> {
  if (times.length < 2) throw new StudyInputError('comparing times needs at least two');
  let common = times[0].patchIndices;
  for (const time of times.slice(1)) common = intersect(common, time.patchIndices);
  if (common.length < 2) throw new StudyInputError('the times share fewer than 2 patches');
  const matrices = times.map((time) => rowsOf(time.level(level), positionsOf(time.patchIndices, common)));
  const labels = times.map((time) => time.time.toISOString().slice(0, 16));
  return similarity(matrices, matrices, labels, labels, options);
}

async function similarity(left: FeatureMatrix[], right: FeatureMatrix[], rowLabels: string[], columnLabels: string[], options: SimilarityOptions): Promise<SimilarityMatrix> {
  const { control, seed = 0 } = options;
  // The matrix is most of the work: the floors' Grams and products are one more pair per row.
  const share = left.length * right.length / (left.length * right.length + 2 * left.length);
  const matrix = await ckaMatrix(left, right, { control: scaled(control, 0, share) });
  const floor = new Float64Array(left.length);
  for (const [k, x] of left.entries()) {
    floor[k] = await linearCka(x, columnShuffled(x, seed + k), { control: scaled(control, share + ((1 - share) * k) / left.length, share + ((1 - share) * (k + 1)) / left.length) });
  }
  return { rowLabels, columnLabels, values: matrix.values, floor, patches: left[0].rows };
}

function scaled(control: JobControl | undefined, from: number, to: number): JobControl | undefined {
  return control && { signal: control.signal, onProgress: (fraction, stage) => control.onProgress?.(from + (to - from) * fraction, stage) };
}

/** The rows of each side that hold the patches both have, in patch order. */
function sharedRows(a: Representation, b: Representation): { a: Int32Array | null; b: Int32Array | null } {
  if (sameIndices(a.patchIndices, b.patchIndices)) return { a: null, b: null };
  const common = intersect(a.patchIndices, b.patchIndices);
  if (common.length < 2) throw new StudyInputError(`${a.name} and ${b.name} share ${common.length} patches: compare them over the same region`);
  return { a: positionsOf(a.patchIndices, common), b: positionsOf(b.patchIndices, common) };
}

const rowsOf = (x: FeatureMatrix, rows: Int32Array | null): FeatureMatrix => (rows ? selectRows(x, rows) : x);

function sameIndices(a: Int32Array, b: Int32Array): boolean {
  return a.length === b.length && a.every((index, k) => index === b[k]);
}

function sameLevels(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((level, k) => level === b[k]);
}

/** The indices in both ascending lists. */
function intersect(a: Int32Array, b: Int32Array): Int32Array {
  const out: number[] = [];
  for (let i = 0, j = 0; i < a.length && j < b.length; ) {
    if (a[i] === b[j]) {
      out.push(a[i]);
      i++;
      j++;
    } else if (a[i] < b[j]) i++;
    else j++;
  }
  return Int32Array.from(out);
}

/** Where each of `wanted` (ascending, all present) sits in `indices` (ascending). */
function positionsOf(indices: Int32Array, wanted: Int32Array): Int32Array {
  const out = new Int32Array(wanted.length);
  for (let i = 0, k = 0; k < wanted.length && i < indices.length; i++) if (indices[i] === wanted[k]) out[k++] = i;
  return out;
}
