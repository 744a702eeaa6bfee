// The CLI on latent stores (--latents): study 1 on the study-layout fixture against scikit-learn's own
// figures (reference.json), pca and probe on it, study 1 and 2 on a store our encode wrote against the
// same studies encoding ERA5 on the fly, and what a store that cannot serve a request is told.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { cliInProcess as cli } from '../testing/cli-in-process.ts';
import { openLatentStoreForWriting } from '../../data/latent-store-writer.node.ts';
import { FIXTURE_CHECKPOINT, FIXTURE_HEADS } from '../../encoder/test-fixture.node.ts';
import { EUROPE_REGION } from '../../studies/extremes.ts';

const EUROPE = 'test/fixtures/latent-store/europe';
const STORE = join(EUROPE, 'latents.zarr');
const SAMPLE_STORE = 'public/sample/era5-sample.zarr';
const PYTHON = '/usr/bin/python3';

/** One time of scikit-learn's reference.json. */
interface ReferenceTime {
  time: string;
  n_train: number;
  n_test: number;
  test_positives: number;
  pca_explained_variance_ratio: number[];
  accuracy: number;
  precision: number;
  recall: number;
  test_pred: number[];
}

/** One time of `study land-sea --json`: the reference's fields, and more. */
interface LandSeaOutput extends ReferenceTime {
  source: { kind: string; name: string };
  test_rows: number[];
  misclassified: unknown[];
}

afterEach(() => vi.restoreAllMocks());

describe('study land-sea --latents on the study-layout fixture, against scikit-learn', () => {
  it('matches PCA, accuracy and test predictions at every time (test band 30..45 E)', async () => {
    const reference = JSON.parse(await readFile(join(EUROPE, 'reference.json'), 'utf8')) as { per_time: ReferenceTime[] };
    const { code, stdout, stderr } = await cli(['study', 'land-sea', '--latents', STORE, '--times', 'every:1', '--lon-band', '30,45', '--json']);
    expect(code, stderr).toBe(0);
    const outputs = JSON.parse(stdout) as LandSeaOutput[];
    expect(outputs).toHaveLength(reference.per_time.length);
    for (const [t, expected] of reference.per_time.entries()) {
      const output = outputs[t];
      expect(output.time).toBe(`${expected.time.replace(' ', 'T')}.000Z`);
      expect(output.source).toMatchObject({ kind: 'latent-store', name: `latent store ${STORE}` });
      expect([output.n_train, output.n_test, output.test_positives]).toEqual([expected.n_train, expected.n_test, expected.test_positives]);
      for (const [c, ratio] of expected.pca_explained_variance_ratio.entries()) expect(Math.abs(output.pca_explained_variance_ratio[c] - ratio)).toBeLessThanOrEqual(1e-5);
      // Test rows in row order (row-major from the north-west), as the reference lists its predictions.
      expect(output.test_rows).toEqual([...output.test_rows].sort((a, b) => a - b));
      const flips = output.test_pred.filter((label, i) => label !== expected.test_pred[i]).length;
      expect(flips).toBeLessThanOrEqual(2);
      if (flips === 0) {
        expect(output.accuracy).toBeCloseTo(expected.accuracy, 12);
        expect([output.precision, output.recall]).toEqual([expected.precision, expected.recall].map((value) => expect.closeTo(value, 12)));
      } else {
        // Predictions may differ where scikit-learn's lbfgs stopped short of the optimum: ours must then be lower.
        const [ours, theirs] = objectivesAgainstSklearn(t, expected.time.replace(' ', 'T'));
        expect(ours).toBeLessThan(theirs);
      }
    }
  });

  it('names its source in the text output, and warns of nothing on a regular time axis', async () => {
    const { code, stdout, stderr } = await cli(['study', 'land-sea', '--latents', STORE, '--time', '2024-07-14T00:00', '--lon-band', '30,45']);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^Source: latent store test\/fixtures\/latent-store\/europe\/latents\.zarr \(model not named by the store\)\n/);
    expect(stdout).toMatch(/Land-sea at 2024-07-14T00:00: 1710 patches .*\n  PCA: PC1 27\.00 %, PC2 19\.22 %/);
    expect(stderr).toMatch(/3 time\(s\), 2024-07-13T18:00Z \.\. 2024-07-14T06:00Z, D 32, latent levels 0 \(surface\) \.\. 3/);
    expect(stderr).not.toMatch(/warning/);
  });

  it('says what is wrong: a time not in the store, several times and none chosen, study 2 without ERA5', async () => {
    const missing = await cli(['study', 'land-sea', '--latents', STORE, '--time', '2024-07-14T12:00']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/--time: 2024-07-14T12:00 is not a time of the store; the store's times run from 2024-07-13T18:00 to 2024-07-14T06:00/);
    const unchosen = await cli(['study', 'land-sea', '--latents', STORE]);
    expect(unchosen.stderr).toMatch(/has 3 times: choose one with --time T, or several with --times RULE/);
    const extremes = await cli(['study', 'extremes', '--latents', STORE]);
    expect(extremes.code).not.toBe(0);
    expect(extremes.stderr).toMatch(/the extremes study over a latent store needs ERA5 beside the latents \(study 2 labels its patches by 2 m temperature.*give an ERA5 store beside them with --store/);
    const kIndex = await cli(['study', 'k-index', '--latents', STORE]);
    expect(kIndex.stderr).toMatch(/the k-index study over a latent store needs ERA5 beside the latents \(study 3/);
    const compared = await cli(['study', 'land-sea', '--latents', STORE, '--time', '2024-07-14T00:00', '--compare', 'shuffled']);
    expect(compared.stderr).toMatch(/over a latent store, compare in the app/);
  });
});

describe('a latent store whose time axis is irregular', () => {
  it('is read with its times as they are, and a warning', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'irregular-'));
    try {
      const out = join(dir, 'irregular.zarr');
      // 06:00, 12:00, then 06:00 the next day: steps of 6 h and 18 h.
      const times = ['2024-07-13T06:00Z', '2024-07-13T12:00Z', '2024-07-14T06:00Z'].map((iso) => new Date(iso));
      const centreLat = Float64Array.from({ length: 8 }, (_, p) => 50.625 - Math.floor(p / 4));
      const centreLon = Float64Array.from({ length: 8 }, (_, p) => 0.375 + (p % 4));
      const store = await openLatentStoreForWriting(out, { times, centreLat, centreLon, embedDim: 3, latentLevels: 4, dtype: 'float32', attributes: { model: 'none' } });
      for (let t = 0; t < times.length; t++) await store.writeTime(t, Float32Array.from({ length: 4 * 8 * 3 }, (_, k) => Math.sin(k + t)));
      const { code, stderr } = await cli(['pca', '--latents', out, '--time', '2024-07-13T12:00', '--components', '1']);
      expect(code, stderr).toBe(0);
      expect(stderr).toMatch(/warning: latent store .*irregular\.zarr: the steps between its times vary \(6 h to 18 h\); its times are shown as they are/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('pca and probe --latents', () => {
  it("give the study's PCA and probe on one time's latents, naming their source", async () => {
    const reference = JSON.parse(await readFile(join(EUROPE, 'reference.json'), 'utf8')) as { per_time: ReferenceTime[] };
    const expected = reference.per_time[2];
    const pca = await cli(['pca', '--latents', STORE, '--time', '2024-07-14T06:00', '--level', 'surface', '--components', '2', '--json']);
    expect(pca.code, pca.stderr).toBe(0);
    const pcaOutput = JSON.parse(pca.stdout) as { explained_variance_ratio: number[]; source: { kind: string }; time: string; level: number; n_samples: number };
    expect(pcaOutput).toMatchObject({ source: { kind: 'latent-store' }, time: '2024-07-14T06:00:00.000Z', level: 0, n_samples: 1710 });
    pcaOutput.explained_variance_ratio.forEach((ratio, c) => expect(Math.abs(ratio - expected.pca_explained_variance_ratio[c])).toBeLessThanOrEqual(1e-5));

    const probe = await cli(['probe', '--latents', STORE, '--time', '2024-07-14T06:00', '--lon-band', '30,45', '--json']);
    expect(probe.code, probe.stderr).toBe(0);
    const probeOutput = JSON.parse(probe.stdout) as { accuracy: number; test_pred: number[]; labels: string; source: { name: string } };
    expect(probeOutput.labels).toBe('land-sea');
    expect(probeOutput.source.name).toBe(`latent store ${STORE}`);
    expect(probeOutput.test_pred.filter((label, i) => label !== expected.test_pred[i]).length).toBeLessThanOrEqual(2);
    expect(probeOutput.accuracy).toBeCloseTo(expected.accuracy, 12);
  });
});

describe('the studies on a store our encode wrote, as encoding ERA5 on the fly', () => {
  let dir: string;
  let model: string;
  /** Every patch of the globe at `time`, written by our encode. */
  let globe: string;
  const time = '2022-08-07T06:00';
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'study-latents-'));
    model = join(dir, 'tiny.onnx');
    globe = join(dir, 'globe.zarr');
    expect((await cli(['convert', '--checkpoint', FIXTURE_CHECKPOINT, '--out', model, '--num-heads', String(FIXTURE_HEADS)])).code).toBe(0);
    expect((await cli(['encode', '--store', SAMPLE_STORE, '--time', time, '--model', model, '--out', globe])).code).toBe(0);
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  /** The JSON output without what names its source and its encoder (the pressure levels encoded: none over a store). */
  const results = (stdout: string) => {
    const { source, model: named, encoder_backend: backend, pressure_levels: levels, ...rest } = JSON.parse(stdout) as Record<string, unknown>;
    return { source, named, backend, levels, rest };
  };

  it('land-sea: the same patches, labels, PCA and probe, with ERA5 beside the latents', async () => {
    const encoded = await cli(['study', 'land-sea', '--store', SAMPLE_STORE, '--model', model, '--time', time, '--json']);
    const read = await cli(['study', 'land-sea', '--latents', globe, '--store', SAMPLE_STORE, '--time', time, '--json']);
    expect([encoded.code, read.code]).toEqual([0, 0]);
    const [a, b] = [results(encoded.stdout), results(read.stdout)];
    expect(a.source).toMatchObject({ kind: 'encoder' });
    expect(b.source).toMatchObject({ kind: 'latent-store', model: { name: 'tiny' } });
    expect([a.levels, b.levels]).toEqual([[50, 100, 150, 200, 250, 300, 400, 500, 600, 700, 850, 925, 1000], null]);
    expect(b.rest).toEqual(a.rest);
  });

  it("k-index: the same labels and probes, K from the ERA5 store's levels beside the latents", async () => {
    const encoded = await cli(['study', 'k-index', '--store', SAMPLE_STORE, '--model', model, '--times', time, '--threshold', '10,20', '--json']);
    const read = await cli(['study', 'k-index', '--latents', globe, '--store', SAMPLE_STORE, '--times', time, '--threshold', '10,20', '--json']);
    expect([encoded.code, read.code], read.stderr).toEqual([0, 0]);
    const [a, b] = [results(encoded.stdout), results(read.stdout)];
    expect(b.source).toMatchObject({ kind: 'latent-store', model: { name: 'tiny' } });
    expect(b.rest).toEqual(a.rest);
  });

  it('extremes: the same study over Europe, 2 m temperatures from the ERA5 store beside the latents', async () => {
    const latents = join(dir, 'extremes.zarr');
    const times = '2022-07-14T12:00,2022-07-14T18:00';
    const region = `--region=${EUROPE_REGION.south},${EUROPE_REGION.north},${EUROPE_REGION.west},${EUROPE_REGION.east}`;
    expect((await cli(['encode', '--store', SAMPLE_STORE, '--time', times, region, '--model', model, '--out', latents])).code).toBe(0);
    const encoded = await cli(['study', 'extremes', '--store', SAMPLE_STORE, '--model', model, '--times', times, '--json']);
    const read = await cli(['study', 'extremes', '--latents', latents, '--store', SAMPLE_STORE, '--times', times, '--json']);
    expect([encoded.code, read.code], read.stderr).toEqual([0, 0]);
    const [a, b] = [results(encoded.stdout), results(read.stdout)];
    expect(b.source).toMatchObject({ kind: 'latent-store' });
    expect(b.levels).toBeNull();
    expect(b.rest).toEqual(a.rest);
  });
});

/**
 * Our objective and scikit-learn's (lbfgs, max_iter 1000, as the reference) on time `t`'s training
 * rows, both evaluated by numpy in float64: C * sum(logloss) + ||w||^2 / 2.
 */
function objectivesAgainstSklearn(t: number, time: string): [number, number] {
  if (!existsSync(PYTHON)) throw new Error(`${PYTHON} with scikit-learn is needed to compare objectives (apt-get install python3-sklearn)`);
  const script = [
    'import sys, json, numpy, xarray',
    'from sklearn.linear_model import LogisticRegression',
    'ds = xarray.open_zarr(sys.argv[1]); t = int(sys.argv[2]); ours = json.loads(sys.argv[4])',
    "x = ds.surface_latent.isel(time=t).transpose('lat', 'lon', 'embed').values.reshape(-1, ds.sizes['embed'])",
    'y = numpy.load(sys.argv[3]).reshape(-1).astype(float)',
    "lon = numpy.tile(ds.lon.values, ds.sizes['lat']); train = (lon < 30) | (lon > 45)",
    'def objective(w, b): z = x[train] @ w + b; return float(numpy.sum(numpy.logaddexp(0, z) - y[train] * z) + 0.5 * w @ w)',
    'm = LogisticRegression(max_iter=1000).fit(x[train], y[train])',
    "print(json.dumps([objective(numpy.array(ours['coef']), ours['intercept']), objective(m.coef_[0], m.intercept_[0])]))",
  ].join('\n');
  const ours = execFileSync(process.execPath, ['bin/latent-explorer.mjs', 'probe', '--latents', STORE, '--time', time, '--lon-band', '30,45', '--json'], { encoding: 'utf8' });
  return JSON.parse(execFileSync(PYTHON, ['-c', script, STORE, String(t), join(EUROPE, 'land_label.npy'), ours], { encoding: 'utf8' })) as [number, number];
}
