// The analogue search benchmark's core, free of Node APIs so that a page's worker runs it as the app
// would: one query (a selection's mean latent, cosine) against the latents of one time and of eight
// times at 0.25 degrees (64,800 x 512 each), on whatever tfjs backend is active. Issue 15's targets:
// one time within 200 ms, eight within 1.5 s, in the browser.
import { AnalogueIndex, type AnalogueMetric, type AnalogueMode } from '../src/probes/analogues.ts';
import { featureMatrix, type FeatureMatrix } from '../src/probes/matrix.ts';
import { BENCH_FEATURES, structuredData } from './probes-core.ts';

export const ANALOGUE_ROWS = 64_800;
export const ANALOGUE_TIMES = [1, 8] as const;
export const ANALOGUE_TARGET_MS: Readonly<Record<number, number>> = { 1: 200, 8: 1500 };
/** A selection of a few hundred patches, like an area drawn over the Sahara at 0.25 degrees. */
const SELECTION = Array.from({ length: 300 }, (_, k) => 1000 + k);

export interface AnalogueTiming {
  times: number;
  rows: number;
  cols: number;
  mode: AnalogueMode;
  metric: AnalogueMetric;
  /** One query's milliseconds, per repeat. */
  ms: number[];
}

/** Eight times' latents: one time of structured data, the others its rows rotated (same cost, different answers). */
export function analogueLatents(times: number, rows = ANALOGUE_ROWS): FeatureMatrix[] {
  const base = structuredData(rows, BENCH_FEATURES).x;
  return Array.from({ length: times }, (_, t) => {
    if (t === 0) return base;
    const shift = (t * 7919) % rows;
    const data = new Float32Array(base.data.length);
    data.set(base.data.subarray(shift * BENCH_FEATURES));
    data.set(base.data.subarray(0, shift * BENCH_FEATURES), (rows - shift) * BENCH_FEATURES);
    return featureMatrix(data, rows, BENCH_FEATURES);
  });
}

/** Times `repeat` queries of each kind against the first `times` of `latents`; the first query of all is a warm-up. */
export async function benchAnalogues(latents: readonly FeatureMatrix[], times: number, repeat: number, mode: AnalogueMode = 'mean', metric: AnalogueMetric = 'cosine'): Promise<AnalogueTiming> {
  const index = AnalogueIndex.create(latents.slice(0, times));
  const query = { time: 0, rows: SELECTION, mode, metric, count: 50 };
  const ms: number[] = [];
  try {
    await index.search(query);
    for (let k = 0; k < repeat; k++) {
      const start = performance.now();
      const result = await index.search(query);
      ms.push(performance.now() - start);
      if (!result.backendAgreed) throw new Error('the backend disagreed with the exact scores: the timing would be of the CPU fallback');
    }
  } finally {
    index.dispose();
  }
  return { times, rows: latents[0].rows, cols: latents[0].cols, mode, metric, ms };
}

export function formatAnalogueTiming(timing: AnalogueTiming): string {
  return `${timing.times} time(s) x ${timing.rows.toLocaleString('en')} x ${timing.cols}, ${timing.mode} ${timing.metric}: ${timing.ms.map((ms) => ms.toFixed(0)).join(', ')} ms`;
}
