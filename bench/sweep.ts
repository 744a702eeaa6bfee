// `npm run bench:sweep [-- --store DIR.zarr] [-- --times every:1] [-- --levels all] [-- --where chromium,cli]`
// Issue 14's sweep at full size: the land-sea study over 8 times x 4 latent levels of a 0.25-degree
// latent store (64,800 patches x 512, float64 as the study's), with the CLI's defaults (the study's
// longitude band, shuffled labels and the control task). In headless Chromium, a Web Worker of the
// production build reads the store over HTTP and runs the sweep (the app's code, without its page);
// the CLI runs `latent-explorer study land-sea --sweep --latents STORE`. Targets: <= 3 min with
// <= 2.5 GB peak in Chromium, <= 2 min for the CLI, on the 2-core machine. The store is generated
// (bench/make-latent-store.ts) when it is missing or has fewer times than the sweep asks for.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { openReader } from '../src/data/store.node.ts';
import { startStoreServer } from '../src/data/testing/store-server.ts';
import { BENCH_LATENT_STORE } from './latent-store-path.ts';
import { runBrowserSuite } from './browser/harness.ts';
import { PeakSampler } from './browser/memory.ts';
import { formatFigureTable, recordFigures, type Figure, type Target } from './summary.ts';
import { parseBenchLevels, SWEEP_BENCH_TIMES, SWEEP_TARGET_CELLS, SWEEP_TARGET_ROWS, type SweepTiming } from './sweep-core.ts';

const { values } = parseArgs({
  options: {
    store: { type: 'string', default: BENCH_LATENT_STORE },
    times: { type: 'string', default: SWEEP_BENCH_TIMES },
    levels: { type: 'string', default: 'all' },
    where: { type: 'string', default: 'chromium,cli' },
  },
});
const root = resolve(import.meta.dirname, '..');
const store = resolve(root, values.store);
const levels = parseBenchLevels(values.levels);
const where = values.where.split(',');
const FULL_TIMES = 8;
const CHROMIUM_SECONDS: Target = { kind: 'max', limit: 180, source: 'issue 14, Chromium' };
const CHROMIUM_MEMORY: Target = { kind: 'max', limit: 2.5, source: 'issue 14, Chromium' };
const CLI_SECONDS: Target = { kind: 'max', limit: 120, source: 'issue 14, CLI' };
const load = () => loadavg()[0].toFixed(1);

/** The store's surface_latent shape (time, embed, lat, lon) from its metadata; null when there is no store. */
function storeShape(): number[] | null {
  const zarray = join(store, 'surface_latent', '.zarray');
  return existsSync(zarray) ? (JSON.parse(readFileSync(zarray, 'utf8')) as { shape: number[] }).shape : null;
}

if ((storeShape()?.[0] ?? 0) < FULL_TIMES) {
  console.log(`generating the full-size latent store (${FULL_TIMES} times, about 4 GB) at ${store}`);
  execFileSync('npx', ['tsx', join(root, 'bench', 'make-latent-store.ts'), '--out', store, '--times', String(FULL_TIMES)], { cwd: root, stdio: 'inherit' });
}

/** Issue 14's targets hold for its size alone: every level of 8 times of 64,800 rows. */
const fullSize = (timing: Pick<SweepTiming, 'cells' | 'rows'>) => timing.cells === SWEEP_TARGET_CELLS && timing.rows === SWEEP_TARGET_ROWS;
const sizeName = (timing: Pick<SweepTiming, 'times' | 'levels' | 'rows' | 'embedDim'>) =>
  `${timing.times} times x ${timing.levels} levels of ${timing.rows.toLocaleString('en')} x ${timing.embedDim}`;

console.log(`sweep benchmark: land-sea over ${values.times} x levels ${levels.join(',')} of ${store}; load average ${load()}`);
const figures: Figure[] = [];

if (where.includes('chromium')) {
  const server = await startStoreServer({ 'latents.zarr': await openReader(store) }, { cors: true });
  const peak = new PeakSampler().start();
  try {
    console.log('\nChromium (production build)');
    const run = await runBrowserSuite('sweep', { store: `${server.url}/latents.zarr`, times: values.times, levels: levels.join(',') }, 'preview', (line) =>
      console.log(`  page: ${line}  [load ${load()}]`),
    );
    await peak.stop();
    const { timing } = run.result;
    const peakGiB = peak.peakPssMiB / 1024;
    console.log(`  ${timing.cells} cells (${timing.skipped} skipped) in ${timing.seconds.toFixed(1)} s, ${(timing.seconds / timing.cells).toFixed(1)} s a cell; tfjs ${run.result.backend}`);
    console.log(`  peak memory of Chromium's processes: ${peak.peakPssMiB.toFixed(0)} MiB proportional (${peak.describe()}); ${peak.peakRssMiB.toFixed(0)} MiB resident; ${peak.pssReadings} PSS readings`);
    const name = `land-sea sweep, ${sizeName(timing)}, latent store, Chromium (production build)`;
    const full = fullSize(timing);
    figures.push(
      { bench: 'sweep', name, value: timing.seconds, unit: 's', target: full ? CHROMIUM_SECONDS : undefined },
      { bench: 'sweep', name: `${name}, per cell`, value: timing.seconds / timing.cells, unit: 's' },
      { bench: 'sweep', name: `${name}, peak Chromium memory`, value: peakGiB, unit: 'GiB', target: full ? CHROMIUM_MEMORY : undefined },
    );
  } finally {
    await peak.stop();
    await server.close();
  }
}

if (where.includes('cli')) {
  console.log(`\nCLI: latent-explorer study land-sea --sweep --latents ${store} --times ${values.times} --levels ${levels.join(',')} --json  [load ${load()}]`);
  // GNU time's %M: the process's peak resident set, KiB.
  const started = performance.now();
  const cli = spawnSync(
    '/usr/bin/time',
    ['-f', 'peak-kib %M', 'node', join(root, 'bin', 'latent-explorer.mjs'), 'study', 'land-sea', '--sweep', '--latents', store, '--times', values.times, '--levels', levels.join(','), '--json'],
    { cwd: root, encoding: 'utf8', maxBuffer: 64 << 20 },
  );
  const seconds = (performance.now() - started) / 1000;
  if (cli.status !== 0) throw new Error(`the CLI sweep failed (exit ${cli.status}): ${cli.stderr.trim().split('\n').slice(-5).join('\n')}`);
  const output = JSON.parse(cli.stdout) as { cells: Array<{ n_train: number; n_test: number }>; skipped: unknown[]; levels: number[] };
  const peakKiB = Number(/peak-kib (\d+)/.exec(cli.stderr)?.[1]);
  const timing = { cells: output.cells.length, times: output.cells.length / output.levels.length, levels: output.levels.length, rows: output.cells[0].n_train + output.cells[0].n_test, embedDim: storeShape()![1] };
  console.log(`  ${timing.cells} cells (${output.skipped.length} skipped) in ${seconds.toFixed(1)} s (process start to exit), ${(seconds / timing.cells).toFixed(1)} s a cell; peak resident ${(peakKiB / 1024).toFixed(0)} MiB  [load ${load()}]`);
  const name = `land-sea sweep, ${sizeName(timing)}, latent store, CLI`;
  figures.push(
    { bench: 'sweep', name, value: seconds, unit: 's', target: fullSize(timing) ? CLI_SECONDS : undefined },
    { bench: 'sweep', name: `${name}, per cell`, value: seconds / timing.cells, unit: 's' },
    { bench: 'sweep', name: `${name}, peak resident memory`, value: peakKiB / 1024 ** 2, unit: 'GiB' },
  );
}

console.log(`\n${formatFigureTable(figures)}`);
recordFigures(figures);
