// `study ... --sweep` spawned as a user runs it: the Europe latent store (every level, the transfer
// matrices, JSON and CSV; its surface cells on worker threads against the fixture's scikit-learn reference), the embedded sample through a small untrained encoder, and the mistakes a
// sweep's options can hold, each named.
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SWEEP_COLUMNS } from '../../studies/sweep-table.ts';
import { main } from '../main.ts';

const run = promisify(execFile);
const CLI = new URL('../../../bin/latent-explorer.mjs', import.meta.url).pathname;
const EUROPE = 'test/fixtures/latent-store/europe/latents.zarr';
const SAMPLE_STORE = 'public/sample/era5-sample.zarr';

let dir: string;
let modelPath: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'study-sweep-'));
  modelPath = join(dir, 'small.onnx');
  expect(await main(['init-model', '--preset', 'aurora-0.25-small', '--seed', '0', '--out', modelPath])).toBe(0);
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

interface SweepOutput {
  study: string;
  source: string;
  levels: number[];
  cells: Array<Record<string, number | string | boolean | null>>;
  transfer: Array<{ level: number; times: string[]; accuracy: number[][] }>;
}

describe('latent-explorer study land-sea --sweep', () => {
  it('sweeps a latent store at every time and level, with the transfer matrices, as JSON', async () => {
    const { stdout, stderr } = await run(process.execPath, [CLI, 'study', 'land-sea', '--sweep', '--latents', EUROPE, '--split', 'stratified', '--seeds', '0,1', '--transfer', '--json']);
    const output = JSON.parse(stdout) as SweepOutput;
    expect(output.study).toBe('land-sea');
    expect(output.source).toBe(`latent store ${EUROPE}`);
    expect(output.levels).toEqual([0, 1, 2, 3]);
    expect(output.cells).toHaveLength(12);
    for (const cell of output.cells) {
      expect(Object.keys(cell)).toEqual([...SWEEP_COLUMNS]);
      // Two seeds of a stratified split: a spread over two fits.
      expect(cell.fits).toBe(2);
    }
    expect(output.transfer.map((matrix) => matrix.level)).toEqual([0, 1, 2, 3]);
    for (const matrix of output.transfer) {
      matrix.times.forEach((time, t) => {
        const cell = output.cells.find((entry) => entry.time === time && entry.level === matrix.level);
        expect(matrix.accuracy[t][t]).toBe(cell?.accuracy);
      });
    }
    expect(stderr).toContain('sweep: 3 times x 4 levels from latent store');
    expect(stderr).toMatch(/sweep done in \d/);
  }, 120_000);

  it("fits a latent store's levels on worker threads, each surface cell as scikit-learn fits it", async () => {
    // Two levels: the CLI fits them on two lanes (worker threads) on a machine of two cores or more.
    const { stdout } = await run(process.execPath, [CLI, 'study', 'land-sea', '--sweep', '--latents', EUROPE, '--lon-band', '30,45', '--levels', '0,1', '--baselines', 'none', '--json']);
    const output = JSON.parse(stdout) as SweepOutput;
    const reference = JSON.parse(await readFile(join(dirname(EUROPE), 'reference.json'), 'utf8')) as { test_band: number[]; per_time: Array<{ time: string; accuracy: number; n_test: number }> };
    expect(reference.test_band).toEqual([30, 45]);
    expect(output.cells.map((cell) => `${cell.time} ${cell.level}`)).toEqual(reference.per_time.flatMap(({ time }) => [0, 1].map((level) => `${time.replace(' ', 'T').slice(0, 16)} ${level}`)));
    reference.per_time.forEach((expected, t) => {
      const surface = output.cells[2 * t];
      expect(surface.accuracy as number).toBeCloseTo(expected.accuracy, 12);
      expect(surface.n_test).toBe(expected.n_test);
    });
  }, 120_000);

  it('prints one CSV row per cell, of the levels and times asked for', async () => {
    const { stdout } = await run(process.execPath, [CLI, 'study', 'land-sea', '--sweep', '--latents', EUROPE, '--split', 'blocks', '--times', 'every:2', '--levels', '0,2', '--baselines', 'none', '--csv']);
    const lines = stdout.trim().split('\r\n');
    expect(lines[0]).toBe(SWEEP_COLUMNS.join(','));
    expect(lines.slice(1).map((line) => line.split(',').slice(0, 2).join(' '))).toEqual(['2024-07-13T18:00 0', '2024-07-13T18:00 2', '2024-07-14T06:00 0', '2024-07-14T06:00 2']);
  }, 120_000);

  it('sweeps ERA5 through an encoder, one encode per time', async () => {
    const { stdout, stderr } = await run(process.execPath, [CLI, 'study', 'land-sea', '--sweep', '--store', SAMPLE_STORE, '--model', modelPath, '--times', '2022-08-07T00:00..2022-08-07T06:00', '--levels', '0,1', '--baselines', 'control', '--json']);
    const output = JSON.parse(stdout) as SweepOutput;
    expect(output.cells.map((cell) => `${cell.time} ${cell.level}`)).toEqual(['2022-08-07T00:00 0', '2022-08-07T00:00 1', '2022-08-07T06:00 0', '2022-08-07T06:00 1']);
    expect(output.source).toMatch(/^small \(UNTRAINED\) encoding public\/sample\/era5-sample.zarr on /);
    for (const cell of output.cells) {
      expect(cell.shuffled).toBeNull();
      expect(cell.n_test).toBe(45 * 23);
    }
    expect(stderr).toContain('sweep: 2 times x 2 levels');
  }, 180_000);

  it('names each mistake in a sweep\u2019s options', async () => {
    const cases: Array<[string[], RegExp]> = [
      [['--levels', '0,7'], /--levels names latent levels: all, or a list of 0 \(surface\) and 1..3/],
      [['--transfer', '--csv'], /--csv prints the cells alone/],
      [['--baselines', 'raw'], /--baselines takes shuffled, control or none; 'raw'/],
      [['--time', '2022-08-07T06:00'], /--time is not an option of a sweep: --times names its times/],
      [['--compare', 'raw'], /--compare is not an option of a sweep/],
      [['--times', 'every:0'], /--times: every/],
    ];
    for (const [extra, message] of cases) {
      const failed = await run(process.execPath, [CLI, 'study', 'land-sea', '--sweep', '--latents', EUROPE, ...extra]).catch((error: { code: number; stderr: string }) => error);
      expect(failed).toMatchObject({ code: 2 });
      expect((failed as { stderr: string }).stderr).toMatch(message);
    }
    const extremes = await run(process.execPath, [CLI, 'study', 'extremes', '--sweep', '--latents', EUROPE]).catch((error: { stderr: string }) => error);
    expect((extremes as { stderr: string }).stderr).toMatch(/needs ERA5 beside the latents/);
    const notSweep = await run(process.execPath, [CLI, 'study', 'land-sea', '--store', SAMPLE_STORE, '--transfer']).catch((error: { stderr: string }) => error);
    expect((notSweep as { stderr: string }).stderr).toMatch(/--transfer goes with --sweep/);
  }, 120_000);
});
