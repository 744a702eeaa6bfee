// The probes benchmark's core, free of Node APIs so that a page can run it too (the browser
// engineer's headless-Chromium measurement): seeded structured data, then timed PCA and logistic
// regression with whatever tfjs backend is active.
import { fitLogistic } from '../src/probes/logreg.ts';
import { featureMatrix, type FeatureMatrix } from '../src/probes/matrix.ts';
import { pca } from '../src/probes/pca.ts';
import { seededRandom } from '../src/probes/random.ts';

export const BENCH_FEATURES = 512;
export const BENCH_SIZES = [64_800, 259_200] as const;
export const BENCH_TRAIN_ROWS = 48_600;
export const BENCH_PCA_COMPONENTS = 10;
const FACTORS = 24;

export interface BenchData {
  x: FeatureMatrix;
  /** Labels for every row: a noisy linear rule on a few latent factors. */
  y: Uint8Array;
}

/** Rows = latent factors x loadings + per-feature offsets + noise, like an encoder's low-rank-ish latents. */
export function structuredData(rows: number, cols = BENCH_FEATURES, seed = 1): BenchData {
  const random = seededRandom(seed);
  const loadings = Float64Array.from({ length: FACTORS * cols }, () => random.normal() / Math.sqrt(FACTORS));
  const offsets = Float64Array.from({ length: cols }, () => 2 * random.normal());
  const scales = Float64Array.from({ length: FACTORS }, (_, f) => 3 / (1 + f));
  const data = new Float32Array(rows * cols);
  const y = new Uint8Array(rows);
  const factors = new Float64Array(FACTORS);
  for (let i = 0; i < rows; i++) {
    for (let f = 0; f < FACTORS; f++) factors[f] = scales[f] * random.normal();
    for (let j = 0; j < cols; j++) {
      let value = offsets[j] + 0.3 * random.normal();
      for (let f = 0; f < FACTORS; f++) value += factors[f] * loadings[f * cols + j];
      data[i * cols + j] = value;
    }
    y[i] = factors[0] - 0.8 * factors[3] + 0.7 * random.normal() > 0.5 ? 1 : 0;
  }
  return { x: featureMatrix(data, rows, cols), y };
}

export interface BenchTimings {
  rows: number;
  pcaSeconds: number;
  /** Seconds in each PCA stage (covariance, eigendecomposition, scores), from its progress reports. */
  pcaStages: Record<string, number>;
  logisticSeconds: number;
  logisticIterations: number;
  logisticConverged: boolean;
}

/** PCA on all rows, logistic regression on the first BENCH_TRAIN_ROWS. */
export async function benchProbes(data: BenchData): Promise<BenchTimings> {
  let start = performance.now();
  const pcaStages: Record<string, number> = {};
  let stage = '';
  let stageStart = start;
  const onProgress = (_fraction: number, current: string) => {
    if (current === stage) return;
    const now = performance.now();
    if (stage) pcaStages[stage] = (now - stageStart) / 1000;
    stage = current;
    stageStart = now;
  };
  await pca(data.x, { components: BENCH_PCA_COMPONENTS, control: { onProgress } });
  const end = performance.now();
  pcaStages[stage] = (end - stageStart) / 1000;
  const pcaSeconds = (end - start) / 1000;
  const trainRows = Math.min(BENCH_TRAIN_ROWS, data.x.rows);
  const train = featureMatrix(data.x.data.subarray(0, trainRows * data.x.cols), trainRows, data.x.cols);
  start = performance.now();
  const model = await fitLogistic(train, data.y.subarray(0, trainRows));
  const logisticSeconds = (performance.now() - start) / 1000;
  return { rows: data.x.rows, pcaSeconds, pcaStages, logisticSeconds, logisticIterations: model.iterations, logisticConverged: model.converged };
}

export function formatProbeTiming(t: BenchTimings): string {
  const stages = Object.entries(t.pcaStages)
    .map(([stage, seconds]) => `${stage} ${seconds.toFixed(2)}`)
    .join(', ');
  const newton = `${t.logisticIterations} Newton iterations${t.logisticConverged ? '' : ', NOT converged'}`;
  return `PCA ${t.pcaSeconds.toFixed(2)} s (${stages}), logistic ${t.logisticSeconds.toFixed(2)} s (${newton})`;
}
