import { beforeAll, describe, expect, it } from 'vitest';
import { initNodeProbeBackend } from '../probes/backend.node.ts';
import { seededRandom } from '../probes/random.ts';
import { kIndexClassNames, kIndexLabels, kIndexOf, kIndexTimeLabels, runKIndexStudy } from './k-index-study.ts';
import type { KIndexPatches } from './k-index.ts';
import { splitChoice } from './split.ts';
import { syntheticStudyTime } from './testing/synthetic-time.ts';
import type { StudyTime } from './study-time.ts';

beforeAll(async () => {
  await initNodeProbeBackend();
});

const ROWS = 10;
const COLUMNS = 20;
const D = 8;

/**
 * A time of 200 patches whose half-exceeded K runs from -10 to 49.7 degrees C across the patches,
 * with latents at levels 0 and 1: level 1 carries K in its first feature, level 0 only noise.
 */
function timeWithK(iso: string, seed: number, kIndex: Partial<KIndexPatches> = {}): StudyTime {
  const random = seededRandom(seed);
  const count = ROWS * COLUMNS;
  const half = Float64Array.from({ length: count }, (_, p) => -10 + 0.3 * ((p * 7) % count));
  const latents = new Float32Array(2 * count * D);
  for (let p = 0; p < count; p++) {
    for (let j = 0; j < D; j++) {
      latents[p * D + j] = random.normal();
      latents[(count + p) * D + j] = (j === 0 ? half[p] / 10 : 0) + 0.1 * random.normal();
    }
  }
  return syntheticStudyTime({
    time: iso,
    rowLat: Array.from({ length: ROWS }, (_, i) => 30 - 2 * i),
    columnLon: Array.from({ length: COLUMNS }, (_, j) => 2 * j + 1),
    latents,
    embedDim: D,
    levels: [0, 1],
    era5: {
      surface: new Float64Array(0),
      elevation: new Float64Array(count),
      raw: null,
      kIndex: { halfExceededK: half, meanK: half.map((k) => k - 1), humiditySource: 'derived from specific humidity', ...kIndex },
    },
  });
}

describe('study 3 (K-index)', () => {
  const times = [timeWithK('2022-08-07T06:00Z', 1), timeWithK('2022-08-07T12:00Z', 2)];

  it('labels every patch of every time at each threshold, with nested classes', () => {
    const { rows, labelSets } = kIndexLabels(times, [20, 35]);
    expect(rows.time.length).toBe(2 * ROWS * COLUMNS);
    expect(Array.from(rows.time.slice(199, 201))).toEqual([0, 1]);
    expect(Array.from(rows.patch.slice(199, 201))).toEqual([199, 0]);
    // Patch 0 has K -10; patch 3, -10 + 0.3 * 21 = -3.7; patch 110, -10 + 0.3 * (770 mod 200 = 170) = 41.
    const at = (p: number) => [labelSets[0][p], labelSets[1][p], rows.instabilityClass[p]];
    expect(at(0)).toEqual([0, 0, 0]);
    expect(rows.halfExceededK[110]).toBeCloseTo(41, 12);
    expect(at(110)).toEqual([1, 1, 2]);
    for (let p = 0; p < 200; p++) {
      const k = rows.halfExceededK[p];
      expect(at(p)).toEqual([k > 20 ? 1 : 0, k > 35 ? 1 : 0, k > 35 ? 2 : k > 20 ? 1 : 0]);
    }
    expect(Array.from(kIndexTimeLabels(times[1], 35))).toEqual(Array.from(labelSets[1].subarray(200)));
    expect(kIndexClassNames([20, 35])).toEqual(['K <= 20', 'K > 20', 'K > 35']);
  });

  it('probes the first atmospheric level, where K is, far better than the surface, where it is not', async () => {
    const progress: string[] = [];
    const atmospheric = await runKIndexStudy(times, { level: 1, split: splitChoice('stratified', 0), onProgress: (p) => progress.push(p.stage) });
    const surface = await runKIndexStudy(times, { level: 0, split: splitChoice('stratified', 0) });
    expect(atmospheric.thresholds).toEqual([20, 35]);
    expect(atmospheric.classNames).toEqual(['K <= 20', 'K > 20', 'K > 35']);
    expect(atmospheric.classCounts.reduce((a, b) => a + b, 0)).toBe(400);
    expect(atmospheric.classCountsByTime.map((counts) => counts.reduce((a, b) => a + b, 0))).toEqual([200, 200]);
    expect(atmospheric.humiditySources).toEqual(['derived from specific humidity', 'derived from specific humidity']);
    expect(atmospheric.pca.scores.length).toBe(400 * 2);
    for (const [k, probe] of atmospheric.probes.entries()) {
      expect(probe.threshold).toBe([20, 35][k]);
      // The study's stratified 80/20 split of the 400 rows.
      expect(probe.nTest).toBe(80);
      expect(probe.metrics.accuracy).toBeGreaterThan(0.95);
      expect(surface.probes[k].metrics.accuracy).toBeLessThan(probe.metrics.accuracy);
    }
    expect(progress).toContain('pca');
    expect(progress).toContain('probe');
  });

  it('refuses a threshold that leaves one class, thresholds out of order, and times without a K-index', () => {
    expect(() => kIndexLabels(times, [60])).toThrow(/every one of the 400 points is below K 60 degrees C: a probe needs both classes; add times or a region with more unstable/);
    expect(() => kIndexLabels(times, [-20])).toThrow(/above K -20 degrees C.*more stable/);
    expect(() => kIndexLabels(times, [35, 20])).toThrow(/must increase/);
    const bare = syntheticStudyTime({ time: '2022-08-07T06:00Z', rowLat: [0], columnLon: [1, 3], latents: new Float32Array(2 * D), embedDim: D });
    expect(() => kIndexOf(bare)).toThrow(/give an ERA5 store beside the latents/);
    const unread = { ...bare, era5: { surface: new Float64Array(0), elevation: new Float64Array(2), raw: null } };
    expect(() => kIndexOf(unread)).toThrow(/was not computed/);
  });
});
