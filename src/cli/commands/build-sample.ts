// latent-explorer build-sample: writes the embedded sample store and the Tmax-percentile store.
import { parseNumber, parseOptions, parseSeed } from '../args.ts';
import { CliError } from '../errors.ts';
import { buildSample, sampleStoreName } from '../../data/sample/build-sample.node.ts';
import { SAMPLE_BATCH_TIMES, STUDY1_TIME } from '../../data/sample/times.ts';

export const summary = 'Write the embedded sample store (synthetic weather, real static fields)';

export const usage = `Usage: latent-explorer build-sample [--resolution 1|0.25] [--out DIR] [--seed N] [--times all|study1]

Writes DIR/era5-sample.zarr (1 degree, 181 x 360; or era5-sample-0.25deg.zarr, 721 x 1440) in the
WeatherBench2 layout (Zarr v2, consolidated, blosc-lz4, one chunk per variable and time), and
DIR/tmax-percentiles.zarr (p75/p90/p95/p99 of the yearly maximum temperature over Europe).
The weather is SYNTHETIC (labelled so in the stores' attributes); the static fields are the real
ERA5 ones from assets/era5, regridded by area average (majority for soil type).

Options:
  --resolution  grid spacing in degrees: 1 (default) or 0.25 (for benchmarks)
  --out         output folder (default: public/sample, where the app looks)
  --seed        seed of the synoptic weather (default: 1)
  --times       all: the study's times and a few to explore, each with its previous 6-hourly step
                (default at 1 degree); study1: 2022-08-07T06 and its previous step (default at 0.25)
`;

export async function run(args: string[]): Promise<number> {
  const { values, positionals } = parseOptions(args, {
    resolution: { type: 'string', default: '1' },
    out: { type: 'string', default: 'public/sample' },
    seed: { type: 'string', default: '1' },
    times: { type: 'string' },
  });
  if (positionals.length > 0) throw new CliError(`unexpected argument '${positionals[0]}'`);
  const resolution = parseNumber(values.resolution, 'resolution');
  if (resolution !== 1 && resolution !== 0.25) throw new CliError(`--resolution must be 1 or 0.25, got '${values.resolution}'`);
  const seed = parseSeed(values.seed, 'seed');
  const times = values.times ?? (resolution === 1 ? 'all' : 'study1');
  if (times !== 'all' && times !== 'study1') throw new CliError(`--times must be 'all' or 'study1', got '${times}'`);

  const started = performance.now();
  const built = await buildSample({
    resolution,
    outDir: values.out,
    seed,
    batchTimes: times === 'all' ? SAMPLE_BATCH_TIMES : [STUDY1_TIME],
    onProgress: (message) => process.stderr.write(`build-sample: ${message}\n`),
  });
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  process.stdout.write(
    `Wrote ${built.storePath} (${built.times.length} times, ${sampleStoreName(resolution)}) and ${built.percentilesPath} in ${seconds} s\n`,
  );
  return 0;
}
