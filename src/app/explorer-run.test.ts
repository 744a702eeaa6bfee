// A run of study 1 with stand-in workers: its preview (PCA, labels, split) reaches the views before the
// probe is fitted, and the result keeps the preview's columns and adds the probe's.
import { describe, expect, it } from 'vitest';
import { binaryMetrics } from '../probes/metrics.ts';
import type { PcaResult } from '../probes/pca.ts';
import type { SplitProbe } from '../probes/split-probe.ts';
import type { ExplorerPreview } from '../state/result.ts';
import type { StageName } from '../state/store.ts';
import { DEFAULT_VIEW_SETTINGS } from '../state/view-settings.ts';
import type { StudyTime } from '../studies/study-time.ts';
import { syntheticStudyTime } from '../studies/testing/synthetic-time.ts';
import type { SourceClient } from '../workers/encoder-client.ts';
import { stubProbesClient } from '../workers/testing/stub-probes-client.ts';
import { runExplorer } from './explorer-run.ts';
import { LatentCache } from './latent-cache.ts';
import { untrainedModelEntry } from './models.ts';

const TIME = '2022-08-07T06:00:00Z';
/** One patch row at 10 deg N, every 10 degrees of longitude: some inside the study's test band, most outside. */
const COLUMNS = 36;
const D = 2;

/** The run's model: any entry does, as the stand-in source worker gives the latents. */
const model = untrainedModelEntry('aurora-0.25', 0);

const studyTime: StudyTime = syntheticStudyTime({
  time: TIME,
  rowLat: [10],
  columnLon: Array.from({ length: COLUMNS }, (_, k) => 5 + 10 * k),
  latents: Float32Array.from({ length: COLUMNS * D }, (_, i) => i),
  embedDim: D,
  landFraction: Array.from({ length: COLUMNS }, (_, k) => k % 2),
});

const pcaResult: PcaResult = {
  components: Float64Array.of(1, 0),
  componentCount: 1,
  featureCount: D,
  explainedVariance: Float64Array.of(2),
  explainedVarianceRatio: Float64Array.of(0.9),
  mean: new Float64Array(D),
  scores: Float32Array.from({ length: COLUMNS }, (_, k) => k),
  fittedRows: COLUMNS,
};

function probeFor(rows: number): SplitProbe {
  return {
    model: { coef: new Float64Array(D), intercept: 0, iterations: 3, converged: true, loss: 0, gradientMaxAbs: 0 },
    probabilities: Float64Array.from({ length: rows }, (_, k) => k % 2),
    testPredictions: new Uint8Array(0),
    testMetrics: binaryMetrics(Uint8Array.of(0, 1), Uint8Array.of(0, 1), Float64Array.of(0, 1)),
    majorityBaselineAccuracy: 0.5,
    conceptVector: new Float64Array(D),
    conceptScores: new Float64Array(rows),
  };
}

describe('runExplorer', () => {
  it('shows its PCA, labels and split, and fits the probe once they are drawn; the result adds the probe to the same columns', async () => {
    const events: string[] = [];
    let preview: ExplorerPreview | null = null;
    const source: SourceClient = { read: async () => ({ studyTime, cost: { backend: 'test', fallbackReason: null, bytesFetched: 0, fetchMilliseconds: 0, encodeMilliseconds: 0 } }) };
    const probes = stubProbesClient({
      loadStudyTime: async () => undefined,
      backend: async () => ({ name: 'cpu', skipped: [], matrixKernel: 'tfjs' }),
      pca: async () => pcaResult,
      fitProbe: async () => {
        events.push('probe fitted');
        return probeFor(COLUMNS);
      },
    });
    const stages: Array<[StageName, string | undefined]> = [];
    const result = await runExplorer({ ...DEFAULT_VIEW_SETTINGS, time: TIME }, model, {
      source,
      probes,
      cache: new LatentCache<StudyTime>(),
      signal: new AbortController().signal,
      onStage: (name, patch) => stages.push([name, patch.status]),
      onPreview: (shown) => {
        preview = shown;
        events.push(`preview with PCA ${stages.some(([name, status]) => name === 'pca' && status === 'ready') ? 'ready' : 'not ready'}, probe ${stages.some(([name]) => name === 'probe') ? 'begun' : 'not begun'}`);
        // The views take a while to draw it.
        return new Promise<void>((drawn) =>
          setTimeout(() => {
            events.push('preview drawn');
            drawn();
          }, 20),
        );
      },
    });
    expect(events).toEqual(['preview with PCA ready, probe not begun', 'preview drawn', 'probe fitted']);
    const shown = preview as ExplorerPreview | null;
    if (!shown) throw new Error('no preview');
    // What the views draw before the fit: PC scores and labels, no probe column yet.
    expect(shown.table.count).toBe(COLUMNS);
    expect(shown.table.pcScores).toBe(pcaResult.scores);
    expect(Array.from(shown.table.labels ?? [])).toEqual(Array.from({ length: COLUMNS }, (_, k) => k % 2));
    expect(shown.table.predictions).toBeUndefined();
    expect(shown.trainCount + shown.testCount).toBe(COLUMNS);
    expect(shown.testCount).toBeGreaterThan(0);
    expect(shown.trainCount).toBeGreaterThan(0);
    // The result: the same run (key, points, split), with the probe's columns.
    expect(result.key).toBe(shown.key);
    expect(result.featuresKey).toBe(shown.featuresKey);
    expect(result.table.cellBounds).toBe(shown.table.cellBounds);
    expect(Array.from(result.isTest)).toEqual(Array.from(shown.isTest));
    expect(Array.from(result.table.predictions ?? [])).toEqual(Array.from({ length: COLUMNS }, (_, k) => k % 2));
  });

  it('releases the features it loaded into the probes worker when the run does not finish', async () => {
    const released: string[] = [];
    const source: SourceClient = { read: async () => ({ studyTime, cost: { backend: 'test', fallbackReason: null, bytesFetched: 0, fetchMilliseconds: 0, encodeMilliseconds: 0 } }) };
    const probes = stubProbesClient({
      loadStudyTime: async () => undefined,
      releaseFeatures: async (key) => void released.push(key),
      backend: async () => ({ name: 'cpu', skipped: [], matrixKernel: 'tfjs' }),
      pca: async () => pcaResult,
      fitProbe: async () => Promise.reject(new Error('the fit failed')),
    });
    let previewKey = '';
    const run = runExplorer({ ...DEFAULT_VIEW_SETTINGS, time: TIME }, model, {
      source,
      probes,
      cache: new LatentCache<StudyTime>(),
      signal: new AbortController().signal,
      onStage: () => undefined,
      onPreview: (shown) => {
        previewKey = shown.featuresKey;
      },
    });
    await expect(run).rejects.toThrow('the fit failed');
    expect(released).toEqual([previewKey]);
  });
});
