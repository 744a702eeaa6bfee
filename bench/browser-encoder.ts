// `npm run bench:encoder:browser [-- --repeat 3] [-- --tiles 256,512] [-- --browser dev,preview] [-- --resolution 0.25]`
// The aurora-0.25 encoder at 1.0 degree (4,050 patches), or 0.25 degree (64,800), in headless Chromium: onnxruntime-web's
// WASM backend with threads (the page is cross-origin isolated), and its WebGPU backend where a real
// adapter exists (with Vulkan: CHROMIUM_ARGS), in a Web Worker as the app runs it, from the Vite dev
// server and from a production build. Patches/s and GFLOP/s (the graph's
// FLOPs, src/encoder/config.ts flopsPerPatch), medians over --repeat runs per tile size, and the peak
// memory of Chromium's processes while it runs.
import { existsSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { runBrowserSuite, type ServeMode } from './browser/harness.ts';
import { PeakSampler } from './browser/memory.ts';
import { BENCH_MODEL_FILE } from './browser/protocol.ts';
import { formatFigureTable, median, recordFigures, type Figure, type Target } from './summary.ts';

const { values } = parseArgs({
  options: {
    repeat: { type: 'string', default: '1' },
    tiles: { type: 'string', default: '256,512' },
    browser: { type: 'string', default: 'dev,preview' },
    resolution: { type: 'string', default: '1' },
  },
});
const resolution = Number(values.resolution);
const modes = values.browser.split(',') as ServeMode[];
const tiles = values.tiles.split(',').map(Number);
/** The project's target for the encoder in the browser's WASM backend. */
const GFLOPS_TARGET: Target = { kind: 'min', limit: 20, source: 'browser WASM target' };
/** Issue 3: the full 0.25-degree grid must encode in under 2 GB in the browser, thanks to tiling. */
const MEMORY_TARGET: Target = { kind: 'max', limit: 2048, source: 'issue 3, 0.25 degree' };

const model = join(resolve(import.meta.dirname, '..'), 'models', BENCH_MODEL_FILE);
if (!existsSync(model)) {
  console.error(`${model} is missing: node bin/latent-explorer.mjs init-model --preset aurora-0.25 --seed 0 --out models/${BENCH_MODEL_FILE}`);
  process.exit(1);
}

const load = () => loadavg()[0].toFixed(1);
console.log(`encoder benchmark in Chromium: aurora-0.25 (untrained), ${resolution} degree, medians of ${values.repeat} run(s); load average ${load()}`);
const figures: Figure[] = [];
for (const mode of modes) {
  const where = `Chromium (${mode === 'dev' ? 'dev server' : 'production build'})`;
  console.log(`\n${where}`);
  const peak = new PeakSampler().start();
  const run = await runBrowserSuite('encoder', { tiles: tiles.join(','), repeat: values.repeat, resolution: String(resolution) }, mode, (line) =>
    console.log(`  page: ${line}  [load ${load()}]`),
  ).finally(() => peak.stop());
  console.log(`  peak memory of Chromium's processes: ${peak.peakPssMiB.toFixed(0)} MiB proportional (${peak.describe()}); ${peak.peakRssMiB.toFixed(0)} MiB resident`);
  console.log(`  ${run.environment.userAgent}; cross-origin isolated: ${run.environment.crossOriginIsolated}; ${run.environment.hardwareConcurrency} cores`);
  // Per backend (WASM, and WebGPU where a real adapter exists), the best tile size, as the app would configure it.
  for (const backend of [...new Set(run.result.timings.map((t) => t.backend))]) {
    const medians = tiles.map((tile) => {
      const runs = run.result.timings.filter((t) => t.backend === backend && t.maxTilePatches === tile);
      return { tile, patchesPerSecond: median(runs.map((t) => t.patchesPerSecond)), graphGflops: median(runs.map((t) => t.graphGflops)) };
    });
    const best = medians.reduce((a, b) => (b.graphGflops > a.graphGflops ? b : a));
    const name = `aurora-0.25 ${resolution.toFixed(2)} deg, ${where}, ${backend}, tile <= ${best.tile}`;
    const isWasm = backend.startsWith('WASM');
    figures.push(
      { bench: 'encoder', name, value: best.patchesPerSecond, unit: 'patches/s' },
      // The GFLOP/s target is the WASM backend's, at 1.0 degree; at 0.25 degree the target is memory.
      { bench: 'encoder', name, value: best.graphGflops, unit: 'GFLOP/s', target: resolution === 1 && isWasm ? GFLOPS_TARGET : undefined },
    );
  }
  figures.push({ bench: 'encoder', name: `aurora-0.25 ${resolution.toFixed(2)} deg, ${where}, peak Chromium memory`, value: peak.peakPssMiB, unit: 'MiB', target: resolution === 0.25 ? MEMORY_TARGET : undefined });
}
console.log(`\n${formatFigureTable(figures)}`);
recordFigures(figures);
