// The controls of study 1 on the embedded sample (built by `npm run prepare-assets` / `npm run sample`):
// a small untrained encoder stands for the model under study, as no trained weights ship with the
// repository; the assertions are statistical properties every honest baseline must show.
import { existsSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { openEra5Dataset } from '../data/dataset.ts';
import { STUDY1_TIME } from '../data/sample/times.ts';
import { openSource } from '../data/store.node.ts';
import { PRESETS } from '../encoder/config.ts';
import { initialWeights } from '../encoder/init.ts';
import { buildModel } from '../encoder/model.ts';
import { initNodeProbeBackend } from '../probes/backend.node.ts';
import { featureMatrix, type FeatureMatrix } from '../probes/matrix.ts';
import { seededRandom } from '../probes/random.ts';
import { C_GRID } from '../probes/tune-c.ts';
import { RAW_SURFACE_FEATURES } from './baselines.ts';
import type { ProbeCard } from './compare-card.ts';
import { compareLandSea, type ComparisonInputs } from './compare-studies.ts';
import { compareArms, splitPlan, type Arm, type ComparisonTask } from './compare.ts';
import { splitChoice } from './split.ts';
import { readStudyTimes } from './latent-source.ts';
import { nodeEncoderSource } from './sources.node.ts';
import { patchCount, type StudyTime } from './study-time.ts';

const SAMPLE_STORE = 'public/sample/era5-sample.zarr';
const PRESET = 'aurora-0.25-small';

const SEEDS = [0, 1, 2];

let inputs: StudyTime[];
let raw: FeatureMatrix[];
/** Label baselines on the model's features (as selectivity is defined), and on the raw input's. */
let onModel: ProbeCard;
let onRaw: ProbeCard;
/** The model and the shuffled-label baseline on its latents, each probe's C chosen by inner cross-validation. */
let crossValidated: ProbeCard;

beforeAll(async () => {
  if (!existsSync(SAMPLE_STORE)) throw new Error(`${SAMPLE_STORE} is missing: run 'npm run prepare-assets' (or 'npm run sample') before the tests`);
  await initNodeProbeBackend();
  const config = PRESETS[PRESET];
  const model = buildModel('small-seed0', config, initialWeights(config, 0), { kind: 'untrained', preset: PRESET, seed: 0 }, 'test');
  const source = await nodeEncoderSource(await openEra5Dataset(await openSource(SAMPLE_STORE)), { onnx: model.onnx, name: 'small-seed0', trained: false, config });
  try {
    inputs = await readStudyTimes(source, [STUDY1_TIME], { raw: {} });
    raw = inputs.map((input) => input.era5!.raw!);
  } finally {
    await source.release();
  }
  const comparison: ComparisonInputs = { model: { name: 'small-seed0', trained: false, inputs }, untrained: [], raw: { name: `raw input (${RAW_SURFACE_FEATURES})`, features: raw }, level: 0 };
  const settings = { split: splitChoice('lon-band'), seeds: SEEDS };
  onModel = await compareLandSea(comparison, { ...settings, baselines: ['raw', 'shuffled', 'control'] });
  onRaw = await compareLandSea(comparison, { ...settings, baselines: ['raw', 'shuffled', 'control'], labelFeatures: 'raw' });
  // Only the arms the claim needs: C by cross-validation fits 15 inner probes for every probe.
  crossValidated = await compareLandSea(comparison, { ...settings, baselines: ['shuffled'], C: 'cv' });
}, 180_000);

const arm = (card: ProbeCard, name: Arm) => {
  const found = card.arms.find((entry) => entry.arm === name);
  if (!found) throw new Error(`no ${name} arm in the card`);
  return found;
};

describe('land-sea controls on the sample', () => {
  it('takes 224 raw features per patch: 7 surface and static variables x 2 steps x 4 x 4 points', () => {
    expect(raw[0].cols).toBe(7 * 2 * 16);
    expect(raw[0].rows).toBe(patchCount(inputs[0]));
  });

  it('lists the model first, then the baselines asked, each with the majority accuracy of the same rows', () => {
    expect(onModel.arms.map((entry) => entry.arm)).toEqual(['model', 'raw', 'shuffled', 'control']);
    // An unseeded split (the longitude band) fits the model and the raw input once; the label baselines once per seed.
    expect(onModel.arms.map((entry) => entry.runs)).toEqual([1, 1, SEEDS.length, SEEDS.length]);
    expect(onModel.times).toEqual([STUDY1_TIME.toISOString().slice(0, 16)]);
    for (const entry of onModel.arms) expect(entry.perTime.map((time) => time.time)).toEqual(onModel.times);
  });

  it('the raw-input probe beats the majority baseline', () => {
    const rawArm = arm(onModel, 'raw');
    expect(rawArm.accuracy.mean).toBeGreaterThan(rawArm.majority.mean);
  });

  it('the shuffled-label probe is within 3 points of majority', () => {
    // Labels permuted independently of the features leave nothing to learn: the test predictions are
    // independent of the test labels, so the expected accuracy is at most the majority's, and below
    // it by P(predicting the minority) x |2r - 1| (r the positive rate). On the raw input that
    // deficit is small at C = 1; on 256 untrained latent dimensions with ~3000 training rows the
    // probe fits some noise and predicts the minority more often (2.6 to 5 points below majority),
    // so at a fixed C = 1 it is only bounded above. With C chosen by inner cross-validation on the
    // training rows, the noise fits lose on held-out inner folds, the strongest regularisation wins,
    // the probe predicts the majority class, and the bound holds both ways on the latents too.
    const shuffled = arm(onRaw, 'shuffled');
    expect(Math.abs(shuffled.accuracy.mean - shuffled.majority.mean)).toBeLessThanOrEqual(0.03);
    const onLatents = arm(onModel, 'shuffled');
    expect(onLatents.accuracy.mean).toBeLessThanOrEqual(onLatents.majority.mean + 0.03);
    const tuned = arm(crossValidated, 'shuffled');
    expect(tuned.features).toBe(onLatents.features);
    expect(Math.abs(tuned.accuracy.mean - tuned.majority.mean)).toBeLessThanOrEqual(0.03);
  });

  it("with C by cross-validation, records every fitted fold's C and still finds land", () => {
    const shuffled = arm(crossValidated, 'shuffled');
    expect(shuffled.C.reduce((folds, entry) => folds + entry.folds, 0)).toBe(SEEDS.length);
    const model = arm(crossValidated, 'model');
    expect(model.C.map((entry) => entry.folds)).toEqual([1]);
    expect(model.accuracy.mean).toBeGreaterThan(model.majority.mean);
    for (const card of [onModel, onRaw]) for (const entry of card.arms) expect(entry.C.map((c) => c.value)).toEqual([1]);
  });

  it('the control task is near chance on held-out cells, and selectivity is task minus control accuracy', () => {
    // Half the 5-degree cells are labelled 1 at random; a cell unseen in training carries no
    // information about its label, so the probe's hits there are fair coin flips, one per cell
    // (the rows of a cell share its label). The band's test rows span some 600 cells, so the
    // accuracy's standard deviation is about 0.5 / sqrt(600) = 0.02 and 0.5 +- 0.1 is a 5-sd bound.
    for (const card of [onModel, onRaw]) {
      const control = arm(card, 'control');
      expect(control.heldOutCells?.nTest).toBeGreaterThan(0);
      expect(Math.abs(control.heldOutCells!.accuracy.mean - 0.5)).toBeLessThanOrEqual(0.1);
      const model = arm(card, 'model').accuracy.mean;
      expect(card.selectivity?.values).toEqual(control.heldOutCells!.accuracy.values.map((accuracy) => model - accuracy));
    }
  });
});

describe('C by cross-validation over several folds', () => {
  it('chooses a C per fold of each arm, and its progress rises to 1', async () => {
    // 400 points spread over the globe with 6 features, class 1 where the first is positive.
    const random = seededRandom(5);
    const rows = 400;
    const x = featureMatrix(Float32Array.from({ length: rows * 6 }, () => random.normal()), rows, 6);
    const labels = Uint8Array.from({ length: rows }, (_, i) => (x.data[i * 6] > 0 ? 1 : 0));
    const lat = Float64Array.from({ length: rows }, () => -60 + 120 * random.next());
    const lon = Float64Array.from({ length: rows }, () => 360 * random.next());
    const task: ComparisonTask = { name: 'synthetic', labels, rows: { labels, lat, lon, time: new Int32Array(rows), timeNames: ['t0'] }, sources: [{ arm: 'model', name: 'synthetic', x }] };
    const folds = 3;
    const { plan, seeded } = splitPlan({ kind: 'blocks', blockDegrees: 30, folds, seed: 0 });
    const fractions: number[] = [];
    const runs = await compareArms([task], { plan, seededPlan: seeded, seeds: [0, 1], labelBaselines: ['shuffled'], C: 'cv', onProgress: (progress) => fractions.push(progress.fraction) });
    expect(runs.map((run) => run.arm)).toEqual(['model', 'shuffled', 'model', 'shuffled']);
    for (const run of runs) {
      expect(run.C).toHaveLength(folds);
      for (const C of run.C) expect(C_GRID).toContain(C);
    }
    expect(fractions).toEqual([...fractions].sort((a, b) => a - b));
    expect(fractions.at(-1)).toBe(1);
  });

  it('names the probe whose training rows hold too few of a class to choose C', async () => {
    // 40 points, two of class 1: three inner folds cannot each hold one.
    const rows = 40;
    const x = featureMatrix(Float32Array.from({ length: rows * 2 }, (_, i) => i % 7), rows, 2);
    const labels = Uint8Array.from({ length: rows }, (_, i) => (i < 2 ? 1 : 0));
    const lat = Float64Array.from({ length: rows }, (_, i) => -60 + 3 * i);
    const lon = Float64Array.from({ length: rows }, (_, i) => 9 * i);
    const task: ComparisonTask = { name: 'rare p99', labels, rows: { labels, lat, lon, time: new Int32Array(rows), timeNames: ['t0'] }, sources: [{ arm: 'model', name: 'synthetic', x }] };
    const { plan, seeded } = splitPlan({ kind: 'stratified', testFraction: 0.2, seed: 0 });
    await expect(compareArms([task], { plan, seededPlan: seeded, seeds: [0], labelBaselines: [], C: 'cv' })).rejects.toThrow(/^rare p99, model: choosing C by 3-fold cross-validation needs at least 3 training rows of each class; class 1 has \d+; use a fixed C/);
  });
});
