// Study 1 headless on the embedded sample (built by `npm run sample`) with a small untrained encoder.
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../cli/main.ts';
import { patchMean } from '../probes/labels.ts';
import { landSeaPatchLabels } from './land-sea.ts';

const run = promisify(execFile);
const CLI = new URL('../../bin/latent-explorer.mjs', import.meta.url).pathname;
const SAMPLE_STORE = 'public/sample/era5-sample.zarr';

let dir: string;
let modelPath: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'study-land-sea-'));
  modelPath = join(dir, 'small.onnx');
  expect(await main(['init-model', '--preset', 'aurora-0.25-small', '--seed', '0', '--out', modelPath])).toBe(0);
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

interface LandSeaOutput {
  patches: number;
  n_train: number;
  n_test: number;
  accuracy: number;
  confusion: [[number, number], [number, number]];
  misclassified: Array<{ patch_index: number; lat: number; lon: number; lon_360: number; land_fraction: number; truth: 'land' | 'sea'; probability_land: number; confidence: number }>;
}

describe('latent-explorer study land-sea', () => {
  it("tests on the study's band 120..210 E and lists the misclassified patches, most confident first", async () => {
    const { stdout } = await run(process.execPath, [CLI, 'study', 'land-sea', '--store', SAMPLE_STORE, '--model', modelPath, '--json']);
    const output = JSON.parse(stdout) as LandSeaOutput;
    // The sample's 1-degree grid, cropped to 180 rows: 45 x 90 patches; the band holds patch
    // columns 30..52 (centres 121.5 .. 209.5 E), 23 of 90.
    expect(output.patches).toBe(45 * 90);
    expect(output.n_test).toBe(45 * 23);
    expect(output.n_train + output.n_test).toBe(output.patches);
    const [[tn, fp], [fn, tp]] = output.confusion;
    expect(fp + fn).toBe(output.misclassified.length);
    expect(tn + tp).toBe(output.n_test - output.misclassified.length);
    let previous = 1;
    for (const patch of output.misclassified) {
      expect(patch.lon_360).toBeGreaterThanOrEqual(120);
      expect(patch.lon_360).toBeLessThanOrEqual(210);
      expect(patch.lon).toBe(patch.lon_360 >= 180 ? patch.lon_360 - 360 : patch.lon_360);
      expect(patch.truth).toBe(patch.land_fraction >= 0.5 ? 'land' : 'sea');
      expect(patch.probability_land > 0.5).toBe(patch.truth === 'sea');
      expect(patch.confidence).toBeLessThanOrEqual(previous);
      previous = patch.confidence;
    }
  });
});

describe('landSeaPatchLabels', () => {
  it('labels land where at least half of a 4 x 4 patch is land', () => {
    const height = 4;
    const width = 12;
    const mask = new Float32Array(height * width);
    // Patch 0: exactly 8 of 16 land points (>= 0.5 is land); patch 1: 7 (sea); patch 2: all land.
    for (let k = 0; k < 8; k++) mask[Math.floor(k / 4) * width + (k % 4)] = 1;
    for (let k = 0; k < 7; k++) mask[Math.floor(k / 4) * width + 4 + (k % 4)] = 1;
    for (let row = 0; row < height; row++) for (let column = 8; column < 12; column++) mask[row * width + column] = 1;
    expect(Array.from(landSeaPatchLabels({ landFraction: patchMean(mask, height, width) }))).toEqual([1, 0, 1]);
  });
});
