// `npm run bench:latent-store:data [-- --out DIR.zarr] [-- --times 1] [-- --dtype float64] [-- --embed 512]`
// A full-size latent store in the study's layout for the latent-store benchmark: the 0.25-degree globe
// (180 x 360 patches), D = 512, float64 as the study's, one chunk per time: 265 MB of surface and 796 MB of
// atmospheric latents a time before compression. Generated on demand, never committed (bench/results/).
// The latents are synthetic: per patch, the real ERA5 land fraction and smooth functions of the position
// mixed by seeded random weights, plus noise, so that PCA and the land-sea probe have something to find.
import { existsSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { createPatchGrid } from '../src/data/geometry.ts';
import { ERA5_STATIC_STORE, patchLandFractions, readLandSeaMask } from '../src/data/land-sea-mask.ts';
import { openLatentStoreForWriting } from '../src/data/latent-store-writer.node.ts';
import { openSource } from '../src/data/store.node.ts';
import { selectPatches } from '../src/encoder/runtime.ts';
import { seededRandom } from '../src/probes/random.ts';
import { BENCH_LATENT_STORE } from './latent-store-path.ts';

const LATENT_LEVELS = 4;
/** Batch times of the store: 6-hourly from the study's land-sea sample. */
const FIRST_TIME_MS = Date.UTC(2022, 7, 7, 6);

const { values } = parseArgs({
  options: {
    out: { type: 'string', default: BENCH_LATENT_STORE },
    times: { type: 'string', default: '1' },
    dtype: { type: 'string', default: 'float64' },
    embed: { type: 'string', default: '512' },
    seed: { type: 'string', default: '0' },
  },
});
const root = resolve(import.meta.dirname, '..');
const out = resolve(root, values.out);
const timeCount = Number(values.times);
const embedDim = Number(values.embed);
const dtype = values.dtype === 'float32' ? 'float32' : 'float64';

// ERA5's cropped 0.25-degree grid: latitudes 90 .. -89.75, longitudes 0 .. 359.75.
const gridLat = Float64Array.from({ length: 720 }, (_, i) => 90 - i * 0.25);
const gridLon = Float64Array.from({ length: 1440 }, (_, j) => j * 0.25);
const grid = createPatchGrid(gridLat, gridLon);
const patches = selectPatches(grid, undefined);
const count = patches.indices.length;
const land = patchLandFractions(grid, patches.indices, await readLandSeaMask(await openSource(join(root, ERA5_STATIC_STORE))));

const random = seededRandom(Number(values.seed));
const gaussian = () => random.normal();
/** The smooth inputs each latent mixes: land, and the position as a few Fourier terms. */
const inputsOf = (p: number) => {
  const lat = (patches.centreLat[p] * Math.PI) / 180;
  const lon = (patches.centreLon[p] * Math.PI) / 180;
  return [land[p], Math.sin(lat), Math.cos(lat) * Math.cos(lon), Math.cos(lat) * Math.sin(lon), Math.sin(2 * lat), Math.cos(2 * lon)];
};
const inputs = Array.from({ length: count }, (_, p) => inputsOf(p));
const weights = Array.from({ length: LATENT_LEVELS * embedDim }, () => inputs[0].map(() => gaussian()));

if (existsSync(out)) await rm(out, { recursive: true });
const times = Array.from({ length: timeCount }, (_, t) => new Date(FIRST_TIME_MS + t * 6 * 3600e3));
const store = await openLatentStoreForWriting(out, {
  times,
  centreLat: patches.centreLat,
  centreLon: patches.centreLon,
  embedDim,
  latentLevels: LATENT_LEVELS,
  dtype,
  attributes: {
    title: 'SYNTHETIC Aurora-layout latents for the latent-store benchmark',
    synthetic: true,
    model: 'none (synthetic: the real ERA5 land fraction and position, mixed at random, plus noise)',
    product: 'aurora-latent-explorer bench/make-latent-store.ts',
  },
});
for (const [t, time] of times.entries()) {
  const started = performance.now();
  const latents = new Float32Array(LATENT_LEVELS * count * embedDim);
  for (let level = 0; level < LATENT_LEVELS; level++) {
    for (let p = 0; p < count; p++) {
      const x = inputs[p];
      const row = (level * count + p) * embedDim;
      for (let e = 0; e < embedDim; e++) {
        const w = weights[level * embedDim + e];
        let value = 0.5 * gaussian();
        for (let k = 0; k < x.length; k++) value += w[k] * x[k];
        latents[row + e] = value;
      }
    }
  }
  await store.writeTime(t, latents);
  console.log(`${time.toISOString().slice(0, 16)}: ${count} patches x ${embedDim} x ${LATENT_LEVELS} levels, ${dtype}, in ${((performance.now() - started) / 1000).toFixed(1)} s`);
}
console.log(`wrote ${out}`);
