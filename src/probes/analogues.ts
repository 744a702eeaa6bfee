// "Where else, and when else, does the encoder see weather like this?" The query is a selection of
// patches at one time: its mean latent, or each of its patches ("nearest to any"). Every patch of
// every time is scored against it, by cosine similarity or Euclidean distance, as a matrix-vector
// (or matrix-matrix) product on the tfjs backend. Copying the latents to the backend costs more than
// the product (64,800 x 512 in Node, tfjs-wasm: about 150 ms copied in chunks per query against 70-100
// ms kept there), so the index keeps as many times on the backend as a memory budget allows and
// copies the rest in chunks of rows per query, bounding memory whatever the number of times. The listed matches leave the selection itself out and are scored
// again exactly in float64; where the backend's scores disagree with those (a GPU kernel can be
// wrong), every score is recomputed on the CPU and the result says so.
import * as tf from '@tensorflow/tfjs';
import { cancellationPoint } from '../errors.ts';
import { ProbeInputError, type JobControl } from './job.ts';
import type { FeatureMatrix } from './matrix.ts';
import { smallestK } from './top-k.ts';

import { ANALOGUE_METRICS, ANALOGUE_MODES, type AnalogueMetric, type AnalogueMode } from './analogue-kinds.ts';

export { ANALOGUE_METRICS, ANALOGUE_MODES, type AnalogueMetric, type AnalogueMode } from './analogue-kinds.ts';

/** "Nearest to any" costs a product per selected patch: beyond this, the mean is the query to use. */
export const MAX_ANY_QUERY_ROWS = 2048;
export const DEFAULT_ANALOGUE_COUNT = 50;
const CHUNK_ROWS = 16384;
/** Latents kept on the backend between queries: four times of 64,800 x 512 float32. */
export const DEFAULT_RESIDENT_BYTES = 4 * 64800 * 512 * 4;
/** Query columns per product in 'any' mode: bounds the (rows x columns) block of scores. */
const QUERY_BLOCK = 64;
/** Agreement asked of the backend's scores with the exact ones (float32 products of D terms). */
const COSINE_TOLERANCE = 1e-4;
const SQUARED_DISTANCE_TOLERANCE = 1e-4;

export interface AnalogueQuery {
  /** The selection: the index of its time among the index's times, and its rows there. */
  time: number;
  rows: ArrayLike<number>;
  mode: AnalogueMode;
  metric: AnalogueMetric;
  /** How many matches to list, best first (default 50). */
  count?: number;
}

export interface AnalogueMatch {
  /** Index of the match's time among the index's times, and its row there. */
  time: number;
  row: number;
  /** Cosine similarity (higher is closer) or Euclidean distance (lower is closer), exact. */
  score: number;
}

export interface AnalogueResult {
  metric: AnalogueMetric;
  mode: AnalogueMode;
  /** Per time, per row: the score against the query (for 'any', against the closest selected patch). */
  scores: Float32Array[];
  /** Best first, the selected patches themselves left out. */
  matches: AnalogueMatch[];
  /** False when the backend's scores disagreed with the exact ones and every score was recomputed on the CPU. */
  backendAgreed: boolean;
}

export interface AnalogueIndexOptions {
  /** Bytes of latents kept on the tfjs backend between queries, the first times first (default: four 0.25-degree times). */
  residentBytes?: number;
}

/**
 * The latents of one or more times at one level, with what every search reuses: squared row norms,
 * and the times that fit the budget on the backend. Call dispose() when done with it.
 */
export class AnalogueIndex {
  private constructor(
    readonly times: readonly FeatureMatrix[],
    private readonly squaredNorms: readonly Float64Array[],
    private readonly resident: readonly (tf.Tensor2D | undefined)[],
  ) {}

  static create(times: readonly FeatureMatrix[], options: AnalogueIndexOptions = {}): AnalogueIndex {
    const first = times[0];
    if (!first) throw new ProbeInputError('analogue search needs the latents of at least one time');
    for (const x of times) {
      if (x.cols !== first.cols) throw new ProbeInputError(`analogue search: latents of ${x.cols} and ${first.cols} features cannot be compared; use one model and level`);
    }
    let budget = options.residentBytes ?? DEFAULT_RESIDENT_BYTES;
    const resident = times.map((x) => {
      if (x.data.byteLength > budget) return undefined;
      budget -= x.data.byteLength;
      return tf.tensor2d(x.data, [x.rows, x.cols]);
    });
    return new AnalogueIndex([...times], times.map(rowSquaredNorms), resident);
  }

  /** Frees the latents kept on the backend. */
  dispose(): void {
    for (const tensor of this.resident) tensor?.dispose();
  }

  async search(query: AnalogueQuery, control?: JobControl): Promise<AnalogueResult> {
    const { metric, mode } = query;
    const queryRows = validateQuery(this.times, query);
    const vectors = queryVectors(this.times[query.time], queryRows, mode);
    const selected = new Set(Array.from(queryRows));
    const backendScores = await this.backendScores(vectors, metric, control);
    const count = query.count ?? DEFAULT_ANALOGUE_COUNT;
    const skip = (time: number, row: number) => time === query.time && selected.has(row);
    const ranked = this.rank(backendScores, metric, count, skip);
    const exact = ranked.map((match) => ({ ...match, score: exactScore(this.times[match.time], match.row, vectors, metric) }));
    const agreed = ranked.every((match, k) => agrees(match.score, exact[k].score, metric, this.squaredNorms[match.time][match.row], vectors));
    if (agreed) return { metric, mode, scores: backendScores, matches: sortMatches(exact, metric), backendAgreed: true };
    const cpuScores = this.times.map((x) => Float32Array.from({ length: x.rows }, (_, row) => exactScore(x, row, vectors, metric)));
    const matches = this.rank(cpuScores, metric, count, skip).map((match) => ({ ...match, score: exactScore(this.times[match.time], match.row, vectors, metric) }));
    return { metric, mode, scores: cpuScores, matches: sortMatches(matches, metric), backendAgreed: false };
  }

  private async backendScores(vectors: QueryVectors, metric: AnalogueMetric, control: JobControl | undefined): Promise<Float32Array[]> {
    const d = vectors.cols;
    const total = this.times.reduce((sum, x) => sum + x.rows, 0);
    let done = 0;
    const scores: Float32Array[] = [];
    // Query columns, scaled so that one product gives what the metric needs: q / |q| for cosine, q for distances.
    const blocks: { columns: tf.Tensor2D; squaredNorms: tf.Tensor2D }[] = [];
    for (let start = 0; start < vectors.count; start += QUERY_BLOCK) {
      const width = Math.min(QUERY_BLOCK, vectors.count - start);
      const transposed = new Float32Array(d * width);
      for (let c = 0; c < width; c++) {
        const norm = Math.sqrt(vectors.squaredNorms[start + c]);
        const scale = metric === 'cosine' ? (norm > 0 ? 1 / norm : 0) : 1;
        for (let j = 0; j < d; j++) transposed[j * width + c] = vectors.data[(start + c) * d + j] * scale;
      }
      blocks.push({ columns: tf.tensor2d(transposed, [d, width]), squaredNorms: tf.tensor2d(vectors.squaredNorms.slice(start, start + width), [1, width]) });
    }
    try {
      for (const [t, x] of this.times.entries()) {
        const out = new Float32Array(x.rows);
        const norms = this.squaredNorms[t];
        const resident = this.resident[t];
        const chunkRows = resident ? x.rows : CHUNK_ROWS;
        for (let start = 0; start < x.rows; start += chunkRows) {
          await cancellationPoint(control?.signal);
          const rows = Math.min(chunkRows, x.rows - start);
          // Per row: max over queries of x . q/|q| (cosine), or min over queries of |q|^2 - 2 x . q (distances).
          const reduced = tf.tidy(() => {
            const chunk = resident ?? tf.tensor2d(x.data.subarray(start * d, (start + rows) * d), [rows, d]);
            const perBlock = blocks.map(({ columns, squaredNorms }) => {
              const products = tf.matMul(chunk, columns);
              return metric === 'cosine' ? products.max(1) : squaredNorms.sub(products.mul(2)).min(1);
            });
            return perBlock.length === 1 ? perBlock[0] : metric === 'cosine' ? tf.stack(perBlock, 1).max(1) : tf.stack(perBlock, 1).min(1);
          });
          const values = (await reduced.data()) as Float32Array;
          reduced.dispose();
          for (let i = 0; i < rows; i++) {
            const squaredNorm = norms[start + i];
            out[start + i] = metric === 'cosine' ? (squaredNorm > 0 ? values[i] / Math.sqrt(squaredNorm) : 0) : Math.sqrt(Math.max(0, squaredNorm + values[i]));
          }
          done += rows;
          control?.onProgress?.(done / total, 'analogue scores');
        }
        scores.push(out);
      }
    } finally {
      for (const block of blocks) {
        block.columns.dispose();
        block.squaredNorms.dispose();
      }
    }
    return scores;
  }

  private rank(scores: readonly Float32Array[], metric: AnalogueMetric, count: number, skip: (time: number, row: number) => boolean): AnalogueMatch[] {
    const offsets = [0];
    for (const x of this.times) offsets.push(offsets[offsets.length - 1] + x.rows);
    // Time t's rows are items offsets[t] .. offsets[t + 1] - 1; items mostly come in order, so a cursor finds their time.
    let time = 0;
    const timeOf = (item: number) => {
      while (item >= offsets[time + 1]) time++;
      while (item < offsets[time]) time--;
      return time;
    };
    const keyOf = (item: number) => {
      const t = timeOf(item);
      const score = scores[t][item - offsets[t]];
      return metric === 'cosine' ? -score : score;
    };
    const skipItem = (item: number) => {
      const t = timeOf(item);
      return skip(t, item - offsets[t]);
    };
    const best = smallestK(offsets[offsets.length - 1], count, keyOf, skipItem);
    return Array.from(best.indices, (item, k) => {
      const t = timeOf(item);
      return { time: t, row: item - offsets[t], score: metric === 'cosine' ? -best.keys[k] : best.keys[k] };
    });
  }
}

/** Query vectors in float64-derived float32, with their squared norms. */
interface QueryVectors {
  data: Float32Array;
  count: number;
  cols: number;
  squaredNorms: Float32Array;
}

function validateQuery(times: readonly FeatureMatrix[], query: AnalogueQuery): Uint32Array {
  const x = times[query.time];
  if (!x) throw new ProbeInputError(`analogue search: time ${query.time} is not one of the ${times.length} indexed`);
  if (!ANALOGUE_METRICS.includes(query.metric)) throw new ProbeInputError(`analogue search: unknown metric '${String(query.metric)}'`);
  if (!ANALOGUE_MODES.includes(query.mode)) throw new ProbeInputError(`analogue search: unknown mode '${String(query.mode)}'`);
  const count = query.count ?? DEFAULT_ANALOGUE_COUNT;
  if (!Number.isInteger(count) || count < 0) throw new ProbeInputError(`analogue search: the number of matches must be a whole number >= 0, got ${count}`);
  const rows = Uint32Array.from(new Set(Array.from(query.rows)));
  if (rows.length === 0) throw new ProbeInputError('analogue search: select at least one patch (an area on the globe or points in the scatter) to search for');
  for (const row of rows) {
    if (!(Number.isInteger(row) && row < x.rows)) throw new ProbeInputError(`analogue search: selected row ${row} is outside 0..${x.rows - 1}`);
  }
  if (query.mode === 'any' && rows.length > MAX_ANY_QUERY_ROWS) {
    throw new ProbeInputError(
      `"nearest to any" compares every patch with each of the ${rows.length} selected, more than ${MAX_ANY_QUERY_ROWS}: select a smaller area or search by the selection's mean`,
    );
  }
  return rows;
}

function queryVectors(x: FeatureMatrix, rows: Uint32Array, mode: AnalogueMode): QueryVectors {
  const d = x.cols;
  let data: Float32Array;
  if (mode === 'mean') {
    const sums = new Float64Array(d);
    for (const row of rows) for (let j = 0; j < d; j++) sums[j] += x.data[row * d + j];
    data = Float32Array.from(sums, (sum) => sum / rows.length);
  } else {
    data = new Float32Array(rows.length * d);
    rows.forEach((row, k) => data.set(x.data.subarray(row * d, (row + 1) * d), k * d));
  }
  const count = data.length / d;
  const squaredNorms = Float32Array.from({ length: count }, (_, c) => {
    let sum = 0;
    for (let j = 0; j < d; j++) sum += data[c * d + j] ** 2;
    return sum;
  });
  return { data, count, cols: d, squaredNorms };
}

function rowSquaredNorms(x: FeatureMatrix): Float64Array {
  const out = new Float64Array(x.rows);
  for (let i = 0; i < x.rows; i++) {
    let sum = 0;
    const offset = i * x.cols;
    for (let j = 0; j < x.cols; j++) sum += x.data[offset + j] ** 2;
    out[i] = sum;
  }
  return out;
}

/** One row's score against the query, in float64: the reference the backend's scores are held to. */
function exactScore(x: FeatureMatrix, row: number, vectors: QueryVectors, metric: AnalogueMetric): number {
  const d = x.cols;
  const offset = row * d;
  let best = metric === 'cosine' ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY;
  let rowSquare = 0;
  for (let j = 0; j < d; j++) rowSquare += x.data[offset + j] ** 2;
  for (let c = 0; c < vectors.count; c++) {
    const base = c * d;
    if (metric === 'cosine') {
      let dot = 0;
      for (let j = 0; j < d; j++) dot += x.data[offset + j] * vectors.data[base + j];
      const denominator = Math.sqrt(rowSquare * vectors.squaredNorms[c]);
      best = Math.max(best, denominator > 0 ? dot / denominator : 0);
    } else {
      let square = 0;
      for (let j = 0; j < d; j++) square += (x.data[offset + j] - vectors.data[base + j]) ** 2;
      best = Math.min(best, Math.sqrt(square));
    }
  }
  return best;
}

function agrees(backend: number, exact: number, metric: AnalogueMetric, rowSquaredNorm: number, vectors: QueryVectors): boolean {
  if (metric === 'cosine') return Math.abs(backend - exact) <= COSINE_TOLERANCE;
  const largestQuery = vectors.squaredNorms.reduce((a, b) => Math.max(a, b), 0);
  return Math.abs(backend * backend - exact * exact) <= SQUARED_DISTANCE_TOLERANCE * (rowSquaredNorm + largestQuery + 1);
}

function sortMatches(matches: AnalogueMatch[], metric: AnalogueMetric): AnalogueMatch[] {
  const sign = metric === 'cosine' ? -1 : 1;
  return matches.sort((a, b) => sign * (a.score - b.score) || a.time - b.time || a.row - b.row);
}
