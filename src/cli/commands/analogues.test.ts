// `latent-explorer analogues` on the study-layout latent store (test/fixtures/latent-store/europe),
// against numpy's own cosine similarities and Euclidean distances over the same store read by xarray
// (Debian's python3-xarray, as study-latents.test.ts cross-checks scikit-learn), and its usage errors.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { cliInProcess as cli } from '../testing/cli-in-process.ts';

const STORE = 'test/fixtures/latent-store/europe/latents.zarr';
const PYTHON = '/usr/bin/python3';

interface Match {
  time: string;
  patch: number;
  lat: number;
  lon: number;
  score: number;
}

interface Output {
  source: { kind: string; name: string };
  level: number;
  mode: string;
  metric: string;
  query: { time: string; patches: number[] };
  times: string[];
  backend_agreed: boolean;
  matches: Match[];
}

interface Case {
  box: [number, number, number, number];
  /** The query's time among the store's, its latent level (0 the surface, k atmos_latent level k - 1). */
  queryTime: number;
  level: number;
  mode: 'mean' | 'any';
  metric: 'cosine' | 'euclidean';
  top: number;
}

/** numpy's matches for each case: [time, lat, lon, score], best first, the selection at the query's time left out. */
function numpyMatches(cases: readonly Case[]): [string, number, number, number][][] {
  if (!existsSync(PYTHON)) throw new Error(`${PYTHON} with python3-xarray is needed for the cross-check (apt-get install python3-xarray python3-zarr)`);
  const script = [
    'import sys, json, numpy, xarray',
    'ds = xarray.open_zarr(sys.argv[1]); out = []',
    "lat = numpy.repeat(ds.lat.values, ds.sizes['lon']); lon = numpy.tile(ds.lon.values, ds.sizes['lat'])",
    'for c in json.loads(sys.argv[2]):',
    "    var = ds.surface_latent if c['level'] == 0 else ds.atmos_latent.isel(level=c['level'] - 1)",
    // The latents as the product holds them (float32), each score then in float64.
    "    x = var.transpose('time', 'lat', 'lon', 'embed').values.astype(numpy.float32).astype(numpy.float64)",
    '    x = x.reshape(x.shape[0], -1, x.shape[-1])',
    "    s, n, w, e = c['box']; w %= 360; e %= 360",
    '    inlon = ((lon >= w) & (lon <= e)) if w <= e else ((lon >= w) | (lon <= e))',
    '    sel = numpy.where((lat >= s) & (lat <= n) & inlon)[0]',
    "    q = x[c['queryTime'], sel]",
    "    if c['mode'] == 'mean': q = q.mean(0, keepdims=True).astype(numpy.float32).astype(numpy.float64)",
    "    if c['metric'] == 'cosine':",
    "        cos = numpy.einsum('tpd,qd->tpq', x, q) / (numpy.linalg.norm(x, axis=2)[..., None] * numpy.linalg.norm(q, axis=1)[None, None, :])",
    '        score = cos.max(2); key = -score',
    '    else:',
    '        score = numpy.sqrt(((x[:, :, None, :] - q[None, None, :, :]) ** 2).sum(3)).min(2); key = score.copy()',
    "    key[c['queryTime'], sel] = numpy.inf",
    "    t, p = numpy.unravel_index(numpy.argsort(key, axis=None, kind='stable')[:c['top']], key.shape)",
    "    out.append([[str(ds.time.values[i])[:16], float(lat[j]), float(lon[j]), float(score[i, j])] for i, j in zip(t, p)])",
    'print(json.dumps(out))',
  ].join('\n');
  return JSON.parse(execFileSync(PYTHON, ['-c', script, STORE, JSON.stringify(cases)], { encoding: 'utf8' })) as [string, number, number, number][][];
}

function expectSameMatches(ours: readonly Match[], theirs: readonly [string, number, number, number][]): void {
  expect(ours).toHaveLength(theirs.length);
  ours.forEach((match, k) => {
    const [time, lat, lon, score] = theirs[k];
    expect([match.time.slice(0, 16), match.lat, match.lon]).toEqual([time, expect.closeTo(lat, 6), expect.closeTo(lon, 6)]);
    expect(match.score).toBeCloseTo(score, 5);
  });
}

describe('analogues --latents on the study-layout store, against numpy', () => {
  const ALPS: Case = { box: [45, 48, 6, 12], queryTime: 1, level: 0, mode: 'mean', metric: 'cosine', top: 10 };
  // Across 0/360, written in the -180..180 convention: 2 rows x 5 columns by the North Sea's east.
  const NORTH: Case = { box: [60, 62, -1, 5], queryTime: 2, level: 2, mode: 'any', metric: 'euclidean', top: 7 };
  const reference = numpyMatches([ALPS, NORTH]);

  it("ranks every patch of every time by cosine to the box's mean latent as numpy does, the box itself at its time left out", async () => {
    const { code, stdout, stderr } = await cli(['analogues', '--latents', STORE, '--times', 'every:1', '--box', '45,48,6,12', '--query-time', '2024-07-14T00:00', '--top', '10', '--json']);
    expect(code, stderr).toBe(0);
    const output = JSON.parse(stdout) as Output;
    expect(output).toMatchObject({ source: { kind: 'latent-store' }, level: 0, mode: 'mean', metric: 'cosine', backend_agreed: true });
    expect(output.times).toEqual(['2024-07-13T18:00:00.000Z', '2024-07-14T00:00:00.000Z', '2024-07-14T06:00:00.000Z']);
    expect(output.query.time).toBe('2024-07-14T00:00:00.000Z');
    // 45..48 N, 6..12 E: 3 patch rows (45.625, 46.625, 47.625) x 6 columns (6.375 .. 11.375).
    expect(output.query.patches).toHaveLength(18);
    expectSameMatches(output.matches, reference[0]);
    expect(output.matches.some((match) => match.time === output.query.time && output.query.patches.includes(match.patch))).toBe(false);

    // The same patches named one by one are the same query.
    const byPatches = await cli(['analogues', '--latents', STORE, '--times', 'every:1', '--patches', output.query.patches.join(','), '--query-time', '2024-07-14T00:00', '--top', '10', '--json']);
    expect((JSON.parse(byPatches.stdout) as Output).matches).toEqual(output.matches);
  });

  it('ranks by the Euclidean distance to the nearest selected patch at an atmospheric level as numpy does, in CSV', async () => {
    const { code, stdout, stderr } = await cli([
      'analogues', '--latents', STORE, '--times', '2024-07-13T18:00,2024-07-14T06:00', '--box', '60,62,-1,5', '--query-time', '2024-07-14T06:00',
      '--level', '2', '--mode', 'any', '--metric', 'euclidean', '--top', '7', '--csv',
    ]);
    expect(code, stderr).toBe(0);
    const [header, ...rows] = stdout.trim().split('\n');
    expect(header).toBe('rank,time,patch,lat,lon,score');
    const matches = rows.map((row) => {
      const [, time, patch, lat, lon, score] = row.split(',');
      return { time, patch: Number(patch), lat: Number(lat), lon: Number(lon), score: Number(score) };
    });
    // numpy searched all three times: the two asked for keep its order.
    expectSameMatches(matches, reference[1].filter(([time]) => time !== '2024-07-14T00:00').slice(0, 7));
  });

  it('prints a ranked table by default', async () => {
    const { code, stdout } = await cli(['analogues', '--latents', STORE, '--time', '2024-07-14T06:00', '--box', '45,48,6,12', '--top', '3']);
    expect(code).toBe(0);
    expect(stdout).toContain('Analogues of the mean latent of 18 patches at 2024-07-14T06:00Z, latent level 0 (surface), across 1 time(s), by cosine similarity');
    expect(stdout.trim().split('\n').slice(-3).map((line) => line.trim().split(/\s+/)[0])).toEqual(['1', '2', '3']);
  });
});

describe('analogues: what bad input is told', () => {
  it.each([
    [['--times', 'every:1'], 'give the query: --box S,N,W,E or --patches P,...'],
    [['--times', 'every:1', '--box', '45,48,6,12', '--patches', '3'], 'give the query'],
    [['--times', 'every:1', '--box', '48,45,6,12'], '--box: south (48) must not be north of north (45)'],
    [['--times', 'every:1', '--patches', '3,-2'], "--patches takes patch indices (whole numbers >= 0), got '-2'"],
    [['--times', 'every:1', '--box', '45,48,6,12', '--metric', 'manhattan'], "--metric takes cosine or euclidean, got 'manhattan'"],
    [['--times', 'every:1', '--box', '45,48,6,12', '--mode', 'median'], "--mode takes mean or any, got 'median'"],
    [['--times', 'every:1', '--box', '45,48,6,12', '--top', '0'], "--top takes a whole number of matches >= 1, got '0'"],
    [['--times', '2024-07-14T06:00', '--box', '45,48,6,12', '--query-time', '2024-07-13T18:00'], '--query-time 2024-07-13T18:00Z is not one of the times searched (2024-07-14T06:00Z): add it to --times'],
    [['--times', 'every:1', '--box=-40,-30,6,12'], 'no patch centre lies in the query box -40,-30,6,12'],
    [['--times', 'every:1', '--patches', '999999'], 'patch 999999 is not among the 1710 patches read'],
    [['--times', 'every:1', '--box', '45,48,6,12', '--level', '7'], 'latent level 7 does not exist'],
    [['--times', 'every:1', '--box', '45,48,6,12', '--json', '--csv'], 'give --json or --csv, not both'],
  ])('%j: exits non-zero, naming the problem', async (args, message) => {
    const { code, stderr } = await cli(['analogues', '--latents', STORE, ...args]);
    expect(code).not.toBe(0);
    expect(stderr).toContain(message);
  });

  it('asks for latents when neither a latent store nor an ERA5 store is given', async () => {
    const { code, stderr } = await cli(['analogues', '--box', '45,48,6,12', '--time', '2024-07-14T06:00']);
    expect(code).toBe(2);
    expect(stderr).toContain('give the latents: --latents STORE, or --store ERA5 with --model to encode it');
  });
});
