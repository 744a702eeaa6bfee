// `study k-index` on the embedded sample, spawned as a user runs it, with a small untrained encoder:
// both thresholds' probes, where the humidity came from, the comparison's cards (the raw input's
// atmosphere, 2,304 features, takes minutes to fit: left to `--compare raw` by hand), and options that
// belong to another study refused by name.
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../main.ts';

const run = promisify(execFile);
const CLI = new URL('../../../bin/latent-explorer.mjs', import.meta.url).pathname;
const SAMPLE_STORE = 'public/sample/era5-sample.zarr';
/** The tropics and subtropics of Africa and the Atlantic: deserts, the moist convergence band, and both thresholds' classes. */
const REGION = '--region=-20,30,-40,40';

let dir: string;
let modelPath: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'study-k-index-'));
  modelPath = join(dir, 'small.onnx');
  expect(await main(['init-model', '--preset', 'aurora-0.25-small', '--seed', '0', '--out', modelPath])).toBe(0);
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

interface KIndexOutput {
  study: string;
  times: string[];
  humidity: string[];
  level: number;
  points: number;
  thresholds: number[];
  class_names: string[];
  class_counts: number[];
  table: Array<{ threshold: number; positive_rate: number; accuracy: number; n_test: number; test_positives: number; converged: boolean }>;
}

describe('latent-explorer study k-index', () => {
  it("probes both of the study's thresholds on the first atmospheric level, saying the humidity was derived from q", async () => {
    const { stdout } = await run(process.execPath, [CLI, 'study', 'k-index', '--store', SAMPLE_STORE, '--model', modelPath, '--times', '2022-08-07T06:00,2022-08-07T12:00', REGION, '--threshold', '20,35', '--json']);
    const output = JSON.parse(stdout) as KIndexOutput;
    expect(output.study).toBe('k-index');
    expect(output.times).toEqual(['2022-08-07T06:00:00.000Z', '2022-08-07T12:00:00.000Z']);
    expect(output.humidity).toEqual(['derived from specific humidity', 'derived from specific humidity']);
    expect(output.level).toBe(1);
    expect(output.thresholds).toEqual([20, 35]);
    expect(output.class_names).toEqual(['K <= 20', 'K > 20', 'K > 35']);
    expect(output.class_counts.reduce((a, b) => a + b, 0)).toBe(output.points);
    expect(output.table.map((row) => row.threshold)).toEqual([20, 35]);
    for (const row of output.table) {
      // Both classes, in the test rows too, and a probe that beats the majority class.
      expect(row.positive_rate).toBeGreaterThan(0.01);
      expect(row.positive_rate).toBeLessThan(0.99);
      expect(row.test_positives).toBeGreaterThan(0);
      expect(row.accuracy).toBeGreaterThan(Math.max(row.positive_rate, 1 - row.positive_rate));
    }
    // Nested: above 35 is above 20.
    expect(output.table[1].positive_rate).toBeLessThan(output.table[0].positive_rate);
  }, 180_000);

  it('compares each threshold with its baselines, one card each', async () => {
    const { stdout } = await run(process.execPath, [CLI, 'study', 'k-index', '--store', SAMPLE_STORE, '--model', modelPath, '--times', '2022-08-07T06:00', REGION, '--compare', 'shuffled,control', '--json']);
    const output = JSON.parse(stdout) as { study: string; cards: Array<{ title: string; target: string; table: Array<{ arm: string }> }> };
    expect(output.study).toBe('k-index');
    expect(output.cards.map((card) => card.title)).toEqual(['K-index > 20', 'K-index > 35']);
    expect(output.cards[1].target).toBe("K-index above 35 °C at half the patch's points or more");
    for (const card of output.cards) expect(card.table.map((row) => row.arm)).toEqual(['model', 'shuffled', 'control']);
  }, 180_000);

  it("refuses another study's options and thresholds out of order", async () => {
    await expect(main(['study', 'k-index', '--store', SAMPLE_STORE, '--time', '2022-08-07T06:00'])).resolves.not.toBe(0);
    await expect(main(['study', 'extremes', '--store', SAMPLE_STORE, '--threshold', '20'])).resolves.not.toBe(0);
    await expect(main(['study', 'k-index', '--store', SAMPLE_STORE, '--threshold', '35,20'])).resolves.not.toBe(0);
  });
});
