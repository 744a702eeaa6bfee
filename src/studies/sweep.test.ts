// A sweep over the Europe latent-store fixture (3 times x 4 latent levels), checked against
// scikit-learn: the fixture's own reference.json for the surface, and test/cross-check/europe_sweep.py
// (Debian's python3-sklearn on the same store) for every level, the drift and the transfer matrix.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { beforeAll, describe, expect, it } from 'vitest';
import { initNodeProbeBackend } from '../probes/backend.node.ts';
import { runSweep, type SweepResult } from './sweep-run.ts';
import { fitSweepCell, type SweepCell, type SweepSettings } from './sweep.ts';
import { EUROPE_DIR, EUROPE_STORE, EUROPE_TEST_BAND, openEuropeSweepSource, type EuropeReference } from './testing/europe-latents.node.ts';

const PYTHON = '/usr/bin/python3';
const CROSS_CHECK = 'test/cross-check/europe_sweep.py';
const LEVELS = [0, 1, 2, 3];

interface SklearnCell {
  pca_explained_variance_ratio: number[];
  pc1_cosine_to_first: number;
  mean_norm: number;
  accuracy: number;
  precision: number;
  recall: number;
  f1: number;
  roc_auc: number;
  majority: number;
  n_train: number;
  n_test: number;
  positive_rate: number;
}
interface SklearnSweep {
  levels: Array<{ level: number; cells: SklearnCell[]; transfer_0_to_1: { accuracy: number } }>;
}

let reference: EuropeReference;
let sklearn: SklearnSweep | undefined;
let result: SweepResult;
let source: Awaited<ReturnType<typeof openEuropeSweepSource>>;
const shown: SweepCell[] = [];
const SETTINGS: SweepSettings = { split: { kind: 'lon-band', ...EUROPE_TEST_BAND }, baselines: ['shuffled', 'control'] };

beforeAll(async () => {
  await initNodeProbeBackend();
  reference = JSON.parse(await readFile(`${EUROPE_DIR}reference.json`, 'utf8')) as EuropeReference;
  if (existsSync(PYTHON) && canImport('sklearn, zarr')) {
    const out = execFileSync(PYTHON, [CROSS_CHECK, EUROPE_STORE, `${EUROPE_DIR}land_label.npy`, String(EUROPE_TEST_BAND.west), String(EUROPE_TEST_BAND.east)], { encoding: 'utf8' });
    sklearn = JSON.parse(out) as SklearnSweep;
  }
  source = await openEuropeSweepSource();
  result = await runSweep(
    source,
    { ...SETTINGS, levels: LEVELS, transfer: true },
    { onCell: (cell) => void shown.push(cell) },
  );
}, 120_000);

const cellAt = (level: number, t: number) => result.cells[t * LEVELS.length + LEVELS.indexOf(level)];

/** One wrong prediction in 570 test rows moves the accuracy by 1/570: allow the fixture's 2 flips. */
const FLIPS = 2 / 570;

describe('a sweep over the Europe latent store', () => {
  it('fits every level at every time, time by time, handing each cell out as it finishes', () => {
    expect(result.cells.map((cell) => `${cell.time} ${cell.level}`)).toEqual(['2024-07-13T18:00', '2024-07-14T00:00', '2024-07-14T06:00'].flatMap((time) => LEVELS.map((level) => `${time} ${level}`)));
    expect(result.skipped).toEqual([]);
    expect(shown).toEqual(result.cells);
    expect(result.cells.every((cell) => cell.converged)).toBe(true);
  });

  it("gives each surface cell the single study's figures of the fixture's scikit-learn reference", () => {
    reference.per_time.forEach((expected, t) => {
      const cell = cellAt(0, t);
      expect(cell.time).toBe(reference.times[t].replace(' ', 'T').slice(0, 16));
      expect(Math.abs(cell.scores.accuracy.value - expected.accuracy)).toBeLessThanOrEqual(FLIPS);
      expect(cell.scores.accuracy.value).toBe(expected.accuracy);
      expect(cell.scores.precision.value).toBeCloseTo(expected.precision, 12);
      expect(cell.scores.recall.value).toBeCloseTo(expected.recall, 12);
      expect(cell.pc1).toBeCloseTo(expected.pca_explained_variance_ratio[0], 5);
      expect(cell.pc2).toBeCloseTo(expected.pca_explained_variance_ratio[1], 5);
      expect([cell.nTrain, cell.nTest]).toEqual([expected.n_train, expected.n_test]);
      // One split, one seed: no spread to show.
      expect([cell.fits, cell.scores.accuracy.sd]).toEqual([1, 0]);
    });
  });

  it('gives every cell of every level the figures scikit-learn computes on the same store', (context) => {
    if (!sklearn) return context.skip(`${PYTHON} with python3-sklearn and python3-zarr is needed (apt-get install python3-sklearn python3-zarr)`);
    for (const { level, cells } of sklearn.levels) {
      cells.forEach((expected, t) => {
        const cell = cellAt(level, t);
        expect(Math.abs(cell.scores.accuracy.value - expected.accuracy)).toBeLessThanOrEqual(FLIPS);
        expect(cell.scores.f1.value).toBeCloseTo(expected.f1, 2);
        expect(cell.scores.rocAuc.value).toBeCloseTo(expected.roc_auc, 4);
        expect(cell.majority).toBeCloseTo(expected.majority, 12);
        expect(cell.positiveRate).toBeCloseTo(expected.positive_rate, 12);
        expect(cell.pc1).toBeCloseTo(expected.pca_explained_variance_ratio[0], 5);
        expect(cell.pc2).toBeCloseTo(expected.pca_explained_variance_ratio[1], 5);
        expect(cell.pc1Cosine).toBeCloseTo(expected.pc1_cosine_to_first, 5);
        expect(cell.meanNorm).toBeCloseTo(expected.mean_norm, 6);
        expect(cell.meanNormChange).toBeCloseTo(expected.mean_norm / cells[0].mean_norm - 1, 6);
      });
    }
  });

  it("has each level's time-transfer diagonal equal to its times' accuracies", () => {
    for (const matrix of result.transfer!) {
      matrix.times.forEach((time, t) => {
        const cell = result.cells.find((entry) => entry.level === matrix.level && entry.time === time)!;
        expect(matrix.accuracy[t][t]).toBe(cell.scores.accuracy.value);
      });
      expect(matrix.accuracy.flat().every((value) => value !== null && value > 0.5 && value <= 1)).toBe(true);
    }
  });

  it("matches scikit-learn's probe fitted at the first time and predicting the second, at every level", (context) => {
    if (!sklearn) return context.skip(`${PYTHON} with python3-sklearn and python3-zarr is needed`);
    for (const { level, transfer_0_to_1: expected } of sklearn.levels) {
      const matrix = result.transfer!.find((entry) => entry.level === level)!;
      expect(Math.abs(matrix.accuracy[0][1]! - expected.accuracy)).toBeLessThanOrEqual(FLIPS);
    }
  });

  it("gives a cell whose probes started from the previous time's the figures of a cold start", async () => {
    // The sweep starts each time's probes from the same level's previous time (fitSweepCell warmFrom).
    for (const level of [0, 3]) {
      const cold = (await fitSweepCell(await source.read(1, level), SETTINGS)).cell;
      const warm = cellAt(level, 1);
      expect(warm.converged && cold.converged).toBe(true);
      for (const [key, value] of Object.entries(cold.scores)) expect(warm.scores[key as keyof typeof cold.scores].value).toBeCloseTo(value.value, 12);
      for (const key of ['majority', 'shuffled', 'control', 'selectivity', 'pc1', 'pc2', 'nTrain', 'nTest'] as const) expect(warm[key]).toBeCloseTo(cold[key]!, 12);
    }
  });

  it('puts the baselines beside each cell: majority, shuffled labels, the control task and selectivity', () => {
    for (const cell of result.cells) {
      expect(cell.shuffled).not.toBeNull();
      expect(cell.control).not.toBeNull();
      expect(cell.selectivity).toBeCloseTo(cell.scores.accuracy.value - cell.control!, 12);
      // Shuffled labels carry no land-sea signal: the probe cannot beat the majority class by much.
      expect(cell.shuffled!).toBeLessThan(cell.majority + 0.05);
    }
  });
});

function canImport(modules: string): boolean {
  try {
    execFileSync(PYTHON, ['-c', `import ${modules}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}
