// The app's comparison and the CLI's agree for the same settings: both go through compareArms, the
// app with its view's split (split-rows.ts), the CLI with the study's split plan (evaluate.ts).
import { beforeAll, describe, expect, it } from 'vitest';
import { initNodeProbeBackend } from '../../probes/backend.node.ts';
import { featureMatrix } from '../../probes/matrix.ts';
import { seededRandom } from '../../probes/random.ts';
import { compareArms, splitPlan } from '../../studies/compare.ts';
import { probeCard } from '../../studies/compare-card.ts';
import { splitChoice } from '../../studies/evaluate.ts';
import { runComparison } from './run-comparison.ts';

beforeAll(async () => {
  await initNodeProbeBackend();
});

// A 10-degree grid of points; label 1 where the first feature is positive, plus noise features.
const lat = Float64Array.from({ length: 18 * 36 }, (_, i) => -85 + 10 * Math.floor(i / 36));
const lon = Float64Array.from({ length: 18 * 36 }, (_, i) => 5 + 10 * (i % 36));
const random = seededRandom(7);
const D = 4;
const data = Float32Array.from({ length: lat.length * D }, () => random.normal());
const labels = Uint8Array.from({ length: lat.length }, (_, i) => (data[i * D] + 0.3 * random.normal() > 0 ? 1 : 0));
const features = featureMatrix(data, lat.length, D);

describe('runComparison', () => {
  it("gives the CLI's numbers for the study's longitude band", async () => {
    const app = await runComparison({
      time: '2022-08-07T06:00:00Z',
      level: 0,
      model: { name: 'synthetic', trained: true, features },
      labels,
      centreLat: lat,
      centreLon: lon,
      split: { kind: 'lon-band', west: 120, east: 210 },
      baselines: ['shuffled', 'control'],
    });
    const { plan, seeded } = splitPlan(splitChoice('lon-band'));
    const task = { name: 'land-sea 2022-08-07T06:00', labels, rows: { labels, lat, lon, time: new Int32Array(lat.length), timeNames: ['2022-08-07T06:00'] }, sources: [{ arm: 'model' as const, name: 'synthetic', x: features }] };
    const cli = probeCard(await compareArms([task], { plan, seededPlan: seeded, seeds: [0], labelBaselines: ['shuffled', 'control'] }), [task], { ...app });
    expect(app.arms.map((arm) => [arm.arm, arm.accuracy.mean, arm.majority.mean])).toEqual(cli.arms.map((arm) => [arm.arm, arm.accuracy.mean, arm.majority.mean]));
    expect(app.selectivity).toEqual(cli.selectivity);
    expect(app.arms[0].accuracy.mean).toBeGreaterThan(app.arms[0].majority.mean);
  });

  it('asks for the features a baseline needs', async () => {
    await expect(
      runComparison({ time: '2022-08-07T06:00:00Z', level: 0, model: { name: 'synthetic', trained: true, features }, labels, centreLat: lat, centreLon: lon, split: { kind: 'lon-band', west: 120, east: 210 }, baselines: ['raw'] }),
    ).rejects.toThrow(/raw input patches/);
  });
});
