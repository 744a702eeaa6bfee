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
      level: 0,
      model: { name: 'synthetic', trained: true },
      dates: [{ time: '2022-08-07T06:00:00Z', model: features, labels }],
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
      runComparison({
        level: 0,
        model: { name: 'synthetic', trained: true },
        dates: [{ time: '2022-08-07T06:00:00Z', model: features, labels }],
        centreLat: lat,
        centreLon: lon,
        split: { kind: 'lon-band', west: 120, east: 210 },
        baselines: ['raw'],
      }),
    ).rejects.toThrow(/raw input patches of 2022-08-07T06:00/);
  });

  it("fits one probe per date, as the CLI's --dates does, and reports each date and their spread", async () => {
    // A second date: the same points, features shifted so that its probe differs.
    const later = featureMatrix(Float32Array.from(data, (value, i) => (i % D === 1 ? value + 0.5 : value)), lat.length, D);
    const times = ['2022-08-07T06:00:00Z', '2022-08-08T06:00:00Z'];
    const app = await runComparison({
      level: 0,
      model: { name: 'synthetic', trained: true },
      dates: [
        { time: times[0], model: features, labels },
        { time: times[1], model: later, labels },
      ],
      centreLat: lat,
      centreLon: lon,
      split: { kind: 'stratified', testFraction: 0.25, seed: 3 },
      seeds: [3, 4],
      baselines: ['shuffled'],
    });
    const timeNames = times.map((time) => time.slice(0, 16));
    const tasks = [features, later].map((x, t) => ({
      name: `land-sea ${timeNames[t]}`,
      labels,
      rows: { labels, lat, lon, time: new Int32Array(lat.length).fill(t), timeNames },
      sources: [{ arm: 'model' as const, name: 'synthetic', x }],
    }));
    const { plan, seeded } = splitPlan({ kind: 'stratified', testFraction: 0.25, seed: 3 });
    const cli = probeCard(await compareArms(tasks, { plan, seededPlan: seeded, seeds: [3, 4], labelBaselines: ['shuffled'] }), tasks, { ...app });
    expect(app.times).toEqual(timeNames);
    expect(app.arms.map((arm) => arm.accuracy)).toEqual(cli.arms.map((arm) => arm.accuracy));
    // Two dates x two seeds of a seeded split: four model probes.
    expect(app.arms[0].runs).toBe(4);
    expect(app.arms[0].perTime.map((entry) => entry.time)).toEqual(timeNames);
  });
});
