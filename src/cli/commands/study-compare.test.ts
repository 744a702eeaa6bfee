// `study land-sea --compare` on the embedded sample, spawned as a user runs it, with a small untrained
// encoder as the model under study; `--dates RULE` picks the store's times, and a bad rule is named by
// its option.
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

const landSeaComparison = (dates: string) => run(process.execPath, [CLI, 'study', 'land-sea', '--store', SAMPLE_STORE, '--model', modelPath, '--compare', 'shuffled', '--dates', dates, '--json']);

/** The message of a run that fails, from its stderr. */
async function failure(dates: string): Promise<string> {
  const error = await landSeaComparison(dates).then(
    () => undefined,
    (failed: { code: number; stderr: string }) => failed,
  );
  expect(error?.code).toBe(2);
  return error?.stderr ?? '';
}

describe('latent-explorer study land-sea --compare --dates', () => {
  it('every:K:FROM..TO counts the store times that have their previous step', async () => {
    // The sample's times from 2022-08-06T00:00 to 2022-08-07T06:00 are 08-06 06:00, 12:00, 18:00,
    // 08-07 00:00, 06:00. 08-06 06:00 lacks its previous step (08-06 00:00), so the rule counts
    // 08-06 12:00, 18:00, 08-07 00:00, 06:00, and every 2nd of them is 08-06 12:00 and 08-07 00:00.
    const { stdout } = await landSeaComparison('every:2:2022-08-06..2022-08-07T06:00');
    const output = JSON.parse(stdout) as { times: string[]; cards: Array<{ times: string[] }> };
    expect(output.times).toEqual(['2022-08-06T12:00:00.000Z', '2022-08-07T00:00:00.000Z']);
    expect(output.cards[0].times).toEqual(['2022-08-06T12:00', '2022-08-07T00:00']);
  }, 120_000);

  it('names the option and the problem of a bad rule', async () => {
    // A rule counts only times with their previous step, so its span starts at 12:00; a list is checked against them all.
    const [unparsed, empty, missing] = await Promise.all([failure('every:0'), failure('every:2:2023-01-01..2023-12-31'), failure('2022-08-07T06:00,2022-08-07T09:00')]);
    expect(unparsed).toContain("--dates: every: the step must be a whole number >= 1, got '0' (e.g. every:4)");
    expect(empty).toContain("--dates: every:2:2023-01-01T00:00..2023-12-31T00:00 selects no time: the store's times run from 2019-06-28T12:00 to 2022-08-08T06:00");
    expect(missing).toContain("--dates: 2022-08-07T09:00 is not a time of the store; the store's times run from 2019-06-28T06:00 to 2022-08-08T06:00");
  }, 60_000);
});
