// The CLI's sweep lanes: a cell fitted in a worker thread is the cell fitted in this thread, warm start
// included; a cancelled fit rejects with CancelledError.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CancelledError } from '../errors.ts';
import { initNodeProbeBackend } from '../probes/backend.node.ts';
import { featureMatrix } from '../probes/matrix.ts';
import { seededRandom } from '../probes/random.ts';
import { fitSweepCell, type SweepCellInput, type SweepSettings } from '../studies/sweep.ts';
import { sweepCellPool } from './sweep-cell-pool.node.ts';

const ROWS = 300;
const SETTINGS: SweepSettings = { split: { kind: 'lon-band', west: 15, east: 19 }, baselines: ['shuffled', 'control'] };

function cellInput(time: string, seed: number): SweepCellInput {
  const random = seededRandom(seed);
  const x = featureMatrix(Float32Array.from({ length: ROWS * 5 }, () => random.normal()), ROWS, 5);
  const labels = Uint8Array.from({ length: ROWS }, (_, i) => (x.data[i * 5] - 0.5 * x.data[i * 5 + 2] > 0 ? 1 : 0));
  const lat = Float64Array.from({ length: ROWS }, (_, i) => 50 - Math.floor(i / 20));
  const lon = Float64Array.from({ length: ROWS }, (_, i) => i % 20);
  return { time, level: 2, x, labels, lat, lon };
}

const pool = sweepCellPool(1);
beforeAll(async () => {
  await initNodeProbeBackend();
});
afterAll(() => pool.close());

describe('sweepCellPool', () => {
  it('fits a cell in a worker thread as this thread does, from the same warm start', async () => {
    const first = await fitSweepCell(cellInput('2022-08-01T00:00', 1), SETTINGS);
    const here = await fitSweepCell(cellInput('2022-08-01T06:00', 2), SETTINGS, { warmFrom: first });
    const progress: number[] = [];
    const there = await pool.fit(cellInput('2022-08-01T06:00', 2), SETTINGS, { warmFrom: first, keepInput: false, onProgress: (p) => progress.push(p.fraction) });
    expect(there).toEqual(here);
    expect(progress.length).toBeGreaterThan(0);
  });

  it('rejects a cancelled fit with CancelledError, even one the thread finished before it read the cancel, and fits the next', async () => {
    const controller = new AbortController();
    const fit = pool.fit(cellInput('2022-08-01T00:00', 3), SETTINGS, { signal: controller.signal, keepInput: true, onProgress: () => controller.abort() });
    await expect(fit).rejects.toBeInstanceOf(CancelledError);
    const next = await pool.fit(cellInput('2022-08-01T00:00', 1), SETTINGS, { keepInput: true });
    expect(next).toEqual(await fitSweepCell(cellInput('2022-08-01T00:00', 1), SETTINGS));
  });
});
