// Study 1's comparison over study times, as the CLI and the app's worker both run it: one task per
// date on the time's patches and land labels, the study's split plan, checked against compareArms
// fed the same rows by hand.
import { beforeAll, describe, expect, it } from 'vitest';
import { initNodeProbeBackend } from '../probes/backend.node.ts';
import { featureMatrix, type FeatureMatrix } from '../probes/matrix.ts';
import { seededRandom } from '../probes/random.ts';
import { probeCard } from './compare-card.ts';
import { compareLandSea, LAND_SEA_CARD } from './compare-studies.ts';
import { compareArms, splitPlan, type ComparisonTask } from './compare.ts';
import { describeSplit, splitChoice, type SplitChoice } from './split.ts';
import { syntheticStudyTime } from './testing/synthetic-time.ts';

beforeAll(async () => {
  await initNodeProbeBackend();
});

// A 10-degree grid of patches; land where the first feature is positive (with noise), plus noise features.
const rowLat = Array.from({ length: 18 }, (_, row) => 85 - 10 * row);
const columnLon = Array.from({ length: 36 }, (_, column) => 5 + 10 * column);
const lat = Float64Array.from({ length: 18 * 36 }, (_, i) => rowLat[Math.floor(i / 36)]);
const lon = Float64Array.from({ length: 18 * 36 }, (_, i) => columnLon[i % 36]);
const random = seededRandom(7);
const D = 4;
const data = Float32Array.from({ length: lat.length * D }, () => random.normal());
const labels = Uint8Array.from({ length: lat.length }, (_, i) => (data[i * D] + 0.3 * random.normal() > 0 ? 1 : 0));
const TIMES = ['2022-08-07T06:00:00Z', '2022-08-08T06:00:00Z'];
const timeNames = TIMES.map((time) => time.slice(0, 16));
// The second date: the same patches, features shifted so that its probe differs.
const later = Float32Array.from(data, (value, i) => (i % D === 1 ? value + 0.5 : value));
const timeOf = (t: number, latents: Float32Array) => syntheticStudyTime({ time: TIMES[t], rowLat, columnLon, latents, embedDim: D, landFraction: labels });

/** compareArms and probeCard fed the rows by hand, as the comparison must build them. */
async function byHand(split: SplitChoice, seeds: number[], perDate: readonly FeatureMatrix[], labelBaselines: Array<'shuffled' | 'control'>) {
  const tasks: ComparisonTask[] = perDate.map((x, t) => ({
    name: `land-sea ${timeNames[t]}`,
    labels,
    rows: { labels, lat, lon, time: new Int32Array(lat.length).fill(t), timeNames },
    sources: [{ arm: 'model', name: 'synthetic', x }],
  }));
  const { plan, seeded } = splitPlan(split);
  const runs = await compareArms(tasks, { plan, seededPlan: seeded, seeds, labelBaselines });
  return probeCard(runs, tasks, { ...LAND_SEA_CARD, model: { name: 'synthetic', trained: true }, level: 0, split: describeSplit(split), seeds, areaWeights: false, controlCellDegrees: 5 });
}

describe('compareLandSea', () => {
  it("fits the study's longitude band with the label baselines, as compareArms does on the same rows", async () => {
    const card = await compareLandSea(
      { model: { name: 'synthetic', trained: true, inputs: [timeOf(0, data)] }, untrained: [], level: 0 },
      { split: splitChoice('lon-band'), baselines: ['shuffled', 'control'] },
    );
    const expected = await byHand(splitChoice('lon-band'), [0], [featureMatrix(data, lat.length, D)], ['shuffled', 'control']);
    expect(card).toEqual(expected);
    expect(card.arms[0].accuracy.mean).toBeGreaterThan(card.arms[0].majority.mean);
  });

  it('asks for the features a baseline needs', async () => {
    await expect(
      compareLandSea({ model: { name: 'synthetic', trained: true, inputs: [timeOf(0, data)] }, untrained: [], level: 0 }, { split: splitChoice('lon-band'), baselines: ['raw'] }),
    ).rejects.toThrow(/raw baseline needs the raw input features/);
  });

  it('fits one probe per date and reports each date and their spread', async () => {
    const split: SplitChoice = { kind: 'stratified', testFraction: 0.25, seed: 3 };
    const card = await compareLandSea(
      { model: { name: 'synthetic', trained: true, inputs: [timeOf(0, data), timeOf(1, later)] }, untrained: [], level: 0 },
      { split, seeds: [3, 4], baselines: ['shuffled'] },
    );
    const expected = await byHand(split, [3, 4], [featureMatrix(data, lat.length, D), featureMatrix(later, lat.length, D)], ['shuffled']);
    expect(card.times).toEqual(timeNames);
    expect(card.arms.map((arm) => arm.accuracy)).toEqual(expected.arms.map((arm) => arm.accuracy));
    // Two dates x two seeds of a seeded split: four model probes.
    expect(card.arms[0].runs).toBe(4);
    expect(card.arms[0].perTime.map((entry) => entry.time)).toEqual(timeNames);
  });

  it("tests one fold of a blocks split when the split names it (the app's view), all of them pooled when not", async () => {
    const inputs = { model: { name: 'synthetic', trained: true, inputs: [timeOf(0, data)] }, untrained: [], level: 0 };
    const oneFold = await compareLandSea(inputs, { split: splitChoice('blocks', 0, 2), baselines: [] });
    const pooled = await compareLandSea(inputs, { split: splitChoice('blocks', 0), baselines: [] });
    expect(oneFold.split).toBe('10° blocks, fold 3/5');
    expect(oneFold.arms[0].foldScores.accuracy.n).toBe(1);
    expect(pooled.arms[0].foldScores.accuracy.n).toBe(5);
    expect(pooled.nTest).toBe(lat.length);
    expect(oneFold.nTest).toBeLessThan(lat.length / 2);
  });
});
