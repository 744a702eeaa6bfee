// `study land-sea --compare` on the embedded sample, spawned as a user runs it, with a small untrained
// encoder as the model under study.
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../main.ts';
import { CliError } from '../errors.ts';
import { parseBaselines } from './study-compare.ts';

const run = promisify(execFile);
const CLI = new URL('../../../bin/latent-explorer.mjs', import.meta.url).pathname;
const SAMPLE_STORE = 'public/sample/era5-sample.zarr';

let dir: string;
let modelPath: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'study-compare-'));
  modelPath = join(dir, 'small.onnx');
  expect(await main(['init-model', '--preset', 'aurora-0.25-small', '--seed', '0', '--out', modelPath])).toBe(0);
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

interface CompareOutput {
  study: string;
  baselines: string[];
  cards: Array<{ n_test: number; table: Array<{ arm: string; label: string; runs: number; accuracy: { mean: number }; majority: { mean: number } }>; selectivity: { mean: number } | null }>;
}

describe('latent-explorer study land-sea --compare', () => {
  it('prints one card: the model, then each baseline, with majority beside every accuracy', async () => {
    const { stdout } = await run(process.execPath, [CLI, 'study', 'land-sea', '--store', SAMPLE_STORE, '--model', modelPath, '--compare', 'control,untrained,raw,shuffled', '--dates', '2022-08-07T06:00', '--json']);
    const output = JSON.parse(stdout) as CompareOutput;
    expect(output.study).toBe('land-sea');
    expect(output.baselines).toEqual(['untrained', 'raw', 'shuffled', 'control']);
    const [card] = output.cards;
    expect(card.table.map((row) => row.arm)).toEqual(['model', 'untrained', 'raw', 'shuffled', 'control']);
    expect(card.n_test).toBe(45 * 23);
    for (const row of card.table) expect(row.majority.mean).toBeGreaterThan(0);
    const model = card.table[0].accuracy.mean;
    const control = card.table[4].accuracy.mean;
    expect(card.selectivity?.mean).toBeCloseTo(model - control, 12);
  }, 120_000);

  it('names the baselines it knows, and keeps the comparison options for --compare', async () => {
    expect(() => parseBaselines('raw,trained')).toThrow(CliError);
    expect(() => parseBaselines('raw,trained')).toThrow(/'trained' is none of them/);
    expect(parseBaselines('shuffled, raw')).toEqual(['raw', 'shuffled']);
    await expect(main(['study', 'land-sea', '--store', SAMPLE_STORE, '--dates', '2022-08-07T06:00'])).resolves.not.toBe(0);
  });
});
