// `npm run bench:latent-store [-- --repeat 1] [-- --levels 0,1]`
// The app on a full-size latent store (0.25 degree, D = 512, float64, one chunk per time, as the study's),
// in headless Chromium on the production build: the time from Open to the PCA scatter on screen (every
// point in a frame deck.gl drew; the probe is still being fitted then), to the probe's metrics, and
// the peak memory of Chromium's processes (PSS, bench/browser/memory.ts; Chromium driven with no DevTools
// domain enabled, bench/browser/plain-chromium.ts, so that no response body is kept for DevTools), for one time's surface
// latents and for one atmospheric level. The store is generated on demand (bench/make-latent-store.ts,
// never committed) and served by a local server of its own (another origin, with CORS), as a store on
// a bucket would be. --reuse-build skips the production build when one is there (bench/results).
import { spawnSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { build, preview } from 'vite';
import { openReader } from '../src/data/store.node.ts';
import { startStoreServer } from '../src/data/testing/store-server.ts';
import { PeakSampler } from './browser/memory.ts';
import { PlainChromium, type PlainPage } from './browser/plain-chromium.ts';
import { BENCH_LATENT_STORE } from './latent-store-path.ts';
import { formatFigureTable, median, recordFigures, type Figure, type Target } from './summary.ts';

const { values } = parseArgs({
  options: { repeat: { type: 'string', default: '1' }, levels: { type: 'string', default: '0,1' }, 'reuse-build': { type: 'boolean', default: false }, timeout: { type: 'string', default: '900' } },
});
const ROOT = resolve(import.meta.dirname, '..');
// In this checkout's bench/results (git-ignored), not node_modules/.cache: a worktree's node_modules may be another's.
const BUILD_DIR = join(ROOT, 'bench', 'results', 'latent-store-app');
const STORE = join(ROOT, BENCH_LATENT_STORE);
const repeat = Number(values.repeat);
const levels = values.levels.split(',').map(Number);
/** Issue 11's targets on this machine, from a local server. */
const TIME_TARGET: Target = { kind: 'max', limit: 15, source: 'issue 11, surface' };
const MEMORY_TARGETS: Record<'surface' | 'atmosphere', Target> = {
  surface: { kind: 'max', limit: 1024, source: 'issue 11, surface' },
  atmosphere: { kind: 'max', limit: 2048, source: 'issue 11, one atmospheric level' },
};
const load = () => loadavg()[0].toFixed(1);
/** The bench store: ERA5's 0.25-degree patch grid, and its one time (bench/make-latent-store.ts). */
const PATCH_ROWS = 180;
const PATCH_COLUMNS = 360;
const STORE_TIME = '2022-08-07T06:00';

if (!existsSync(join(STORE, '.zmetadata'))) {
  console.log(`${BENCH_LATENT_STORE} is missing: generating it (npm run bench:latent-store:data)`);
  const made = spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, 'bench/make-latent-store.ts')], { cwd: ROOT, stdio: 'inherit' });
  if (made.status !== 0) process.exit(made.status ?? 1);
}

console.log(`latent-store benchmark: ${BENCH_LATENT_STORE}, production build in Chromium, ${repeat} run(s) per level; load average ${load()}`);
if (!(values['reuse-build'] && existsSync(join(BUILD_DIR, 'index.html')))) await build({ root: ROOT, configFile: join(ROOT, 'vite.config.ts'), logLevel: 'error', build: { outDir: BUILD_DIR, emptyOutDir: true } });
const app = await preview({ root: ROOT, configFile: join(ROOT, 'vite.config.ts'), logLevel: 'warn', build: { outDir: BUILD_DIR }, preview: { port: 0 } });
const appUrl = app.resolvedUrls?.local[0];
// Another origin than the app's, with CORS, as a bucket is.
const stores = await startStoreServer({ 'latents.zarr': await openReader(STORE) }, { cors: true });
const storeUrl = `${stores.url}/latents.zarr`;
const browser = PlainChromium.launch(['--disable-background-networking', '--disable-component-update']);
const figures: Figure[] = [];
try {
  if (!appUrl) throw new Error('vite preview gave no local URL');
  for (const level of levels) {
    const kind = level === 0 ? 'surface' : 'atmosphere';
    const seconds: number[] = [];
    const probeSeconds: number[] = [];
    const peaks: number[] = [];
    for (let run = 0; run < repeat; run++) {
      const page = await browser.newPage(appUrl, { width: 1440, height: 900 });
      const peak = new PeakSampler().start(200);
      try {
        const timed = await openAndRun(page, storeUrl, level);
        seconds.push(timed.pcaSeconds);
        probeSeconds.push(timed.probeSeconds);
      } catch (error) {
        const shot = join(ROOT, 'bench/results/latent-store-failure.png');
        writeFileSync(shot, await page.screenshot());
        console.error(`  the run failed; the page is in ${shot}: ${(await page.evaluate<string>('document.body.innerText')).slice(0, 2000)}`);
        throw error;
      } finally {
        await peak.stop();
      }
      peaks.push(peak.peakPssMiB);
      console.log(
        `  level ${level} (${kind}), run ${run + 1}: Open to PCA on screen ${seconds.at(-1)?.toFixed(1)} s, to the probe's metrics ${probeSeconds.at(-1)?.toFixed(1)} s; peak ${peak.peakPssMiB.toFixed(0)} MiB ` +
          `proportional (${peak.describe()}), ${peak.peakRssMiB.toFixed(0)} MiB resident  [load ${load()}]`,
      );
      await page.close();
    }
    const name = `one time's ${level === 0 ? 'surface' : `atmospheric level ${level}`}, 0.25 deg float64, Chromium (production build)`;
    figures.push({ bench: 'latent-store', name: `${name}, Open to PCA on screen`, value: median(seconds), unit: 's', target: level === 0 ? TIME_TARGET : undefined });
    figures.push({ bench: 'latent-store', name: `${name}, Open to the probe's metrics`, value: median(probeSeconds), unit: 's' });
    figures.push({ bench: 'latent-store', name: `${name}, peak Chromium memory`, value: median(peaks), unit: 'MiB', target: MEMORY_TARGETS[kind] });
  }
} finally {
  await browser.close();
  await stores.close();
  await new Promise<void>((done) => app.httpServer.close(() => done()));
}
console.log(`\n${formatFigureTable(figures)}`);
recordFigures(figures);

/**
 * Opens the latent store in the app's set-up panel and runs the land-sea study at `level` on its
 * first time; seconds from Open to a frame of the PCA scatter drawn with every patch, and to the probe's metrics.
 */
async function openAndRun(page: PlainPage, url: string, level: number): Promise<{ pcaSeconds: number; probeSeconds: number }> {
  await page.click('Latent store');
  await page.setValue('Latent store URL', url);
  const started = performance.now();
  await page.click('Open store');
  await page.waitFor(`document.querySelector('[aria-label="Latent store facts"]')?.innerText.includes('${PATCH_ROWS} × ${PATCH_COLUMNS} patches')`, 120_000);
  await page.setValue('Latent level', String(level));
  if (await page.isDisabled('Run')) {
    // No time chosen yet: the store's first (and the bench store's only) time.
    await page.click(STORE_TIME.slice(0, 10));
    await page.chooseOption('Time', STORE_TIME.slice(11, 16));
  }
  await page.click('Run');
  // The run's stages every 30 s, so that a slow run shows where it is.
  const report = setInterval(() => {
    page
      .text('Run progress')
      .then((text) => console.log(`    ${((performance.now() - started) / 1000).toFixed(0)} s: ${text.replace(/\s+/g, ' ').slice(0, 300)}  [load ${load()}]`))
      .catch(() => undefined);
  }, 30_000);
  const seconds = () => (performance.now() - started) / 1000;
  try {
    const timeout = Number(values.timeout) * 1000;
    // A run that fails (a store the page cannot read, a missing static field) ends the bench at once, not at the timeout.
    const failed = `document.querySelector('[aria-label="Run ended"][data-status="failed"]')`;
    const until = async (selector: string) => {
      await page.waitFor(`document.querySelector('${selector}') || ${failed}`, timeout);
      if (await page.evaluate<boolean>(`Boolean(${failed})`)) throw new Error(`the run failed: ${(await page.text('Run progress')).replace(/\s+/g, ' ')}`);
      return seconds();
    };
    const pcaSeconds = await until(`[aria-label="PCA scatter"][data-drawn-count="${PATCH_ROWS * PATCH_COLUMNS}"]`);
    const probeSeconds = await until('[data-metric="accuracy"]');
    return { pcaSeconds, probeSeconds };
  } finally {
    clearInterval(report);
  }
}
