// The Compare panel's orchestration with stand-in workers: which untrained encoders serve as the
// baseline, what the panel is told when none does, and what reaches the probes worker.
import { describe, expect, it } from 'vitest';
import type { ProbesClient } from '../../probes/client.ts';
import type { ExplorerResult } from '../../state/result.ts';
import { DEFAULT_VIEW_SETTINGS } from '../../state/view-settings.ts';
import type { ProbeCard } from '../../studies/compare-card.ts';
import type { CompareRequest } from '../../workers/probes.worker.ts';
import type { EncodedTime } from '../../workers/encoder.worker.ts';
import { LatentCache } from '../latent-cache.ts';
import type { ModelEntry } from '../models.ts';
import { resolveStoreUrl } from '../store-summary.ts';
import type { EncoderClient } from '../workers.ts';
import { compareInApp, untrainedBaselineModels } from './compare-in-app.ts';

const TIME = '2022-08-07T06:00:00Z';
const PATCHES = 3;
const D = 2;

const entry = (id: string, trained: boolean | null): ModelEntry => ({ id, url: `/models/${id}`, label: id, trained, hash: `${id.length}`.padStart(8, '0'), description: '' });
const seed0 = entry('untrained-seed0.onnx', false);
const seed1 = entry('untrained-seed1.onnx', false);
const aurora = entry('aurora.onnx', true);

const result = {
  modelId: aurora.id,
  time: TIME,
  level: 1,
  featuresKey: 'features-1',
  table: { count: PATCHES, labels: Uint8Array.of(0, 1, 1) },
  centreLat: Float64Array.of(10, 20, 30),
  centreLon: Float64Array.of(5, 15, 25),
  rawInputs: { data: new Float32Array(PATCHES * 4), rows: PATCHES, cols: 4 },
} as unknown as ExplorerResult;

const unused = () => Promise.reject(new Error('not used here'));
const encoder: EncoderClient = { encode: unused, encodeStudyTime: unused, cancel: unused };

function probesCapturing(requests: CompareRequest[]): ProbesClient {
  return {
    backend: unused,
    loadFeatures: unused,
    releaseFeatures: unused,
    pca: unused,
    fitProbe: unused,
    neighbours: unused,
    runExtremes: unused,
    compare: async (request) => {
      requests.push(request);
      return { title: 'land-sea' } as ProbeCard;
    },
    cancel: async () => undefined,
    terminate: () => undefined,
  };
}

/** seed1's latents for TIME, cached as the explorer caches them: level-major, level 1 = 10 + patch. */
async function cacheWithSeed1(): Promise<LatentCache<EncodedTime>> {
  const cache = new LatentCache<EncodedTime>();
  const latents = Float32Array.from({ length: 2 * PATCHES * D }, (_, i) => (i < PATCHES * D ? 0 : 10 + Math.floor((i - PATCHES * D) / D)));
  const encoded = { latents, latentLevels: 2, embedDim: D, patchCount: PATCHES, rawInputs: result.rawInputs } as unknown as EncodedTime;
  await cache.put({ store: resolveStoreUrl(DEFAULT_VIEW_SETTINGS.store), staticStore: null, layout: 'auto', time: TIME, modelHash: seed1.hash, region: 'global' }, encoded);
  return cache;
}

const context = (models: ModelEntry[], cache: LatentCache<EncodedTime>, requests: CompareRequest[]) => ({
  encoder,
  probes: probesCapturing(requests),
  cache,
  models,
  signal: new AbortController().signal,
  onStatus: () => undefined,
});

describe('compareInApp', () => {
  it('takes the untrained encoders other than the chosen model as the baseline', () => {
    expect(untrainedBaselineModels([seed0, seed1, aurora], seed0.id)).toEqual([seed1]);
    expect(untrainedBaselineModels([seed0, aurora], aurora.id)).toEqual([seed0]);
  });

  it("sends the run's level of each untrained encoder's latents, the raw inputs and the split", async () => {
    const requests: CompareRequest[] = [];
    const comparison = await compareInApp(result, { ...DEFAULT_VIEW_SETTINGS, areaWeights: true }, ['untrained', 'raw', 'control'], context([aurora, seed1], await cacheWithSeed1(), requests));
    expect(comparison.notes).toEqual([]);
    const [request] = requests;
    expect(request.baselines).toEqual(['untrained', 'raw', 'control']);
    expect(request.model).toEqual({ name: 'aurora', trained: true, features: 'features-1' });
    expect(request.untrained?.map((source) => [source.name, Array.from(source.features.data)])).toEqual([['untrained-seed1', [10, 10, 11, 11, 12, 12]]]);
    expect(request.raw).toBe(result.rawInputs);
    expect(request.split).toEqual(DEFAULT_VIEW_SETTINGS.split);
    expect(request.areaWeights).toBe(true);
    expect(comparison.untrained).toHaveLength(1);
  });

  it('leaves the untrained baseline out with a note when the chosen model is the only untrained one', async () => {
    const requests: CompareRequest[] = [];
    const comparison = await compareInApp({ ...result, modelId: seed0.id }, DEFAULT_VIEW_SETTINGS, ['untrained', 'raw'], context([seed0], new LatentCache<EncodedTime>(), requests));
    expect(requests[0].baselines).toEqual(['raw']);
    expect(requests[0].model.trained).toBe(false);
    expect(comparison.notes.join(' ')).toMatch(/itself an untrained encoder/);
    expect(comparison.notes.join(' ')).toMatch(/untrained-encoder baseline was left out/);
  });

  it('fails with a message when the run\'s model has left models/', async () => {
    await expect(compareInApp(result, DEFAULT_VIEW_SETTINGS, ['raw'], context([seed0], new LatentCache<EncodedTime>(), []))).rejects.toThrow(/no longer in models/);
  });
});
