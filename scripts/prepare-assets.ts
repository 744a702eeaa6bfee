// Makes sure everything the app serves but git does not hold is in place, building only what is missing
// (or, for the sample store, built by an older version of its synthetic climate):
// the runtimes' WASM binaries (served from public/ so that production builds find them), the embedded
// sample stores, the real ERA5 static fields (for a latent store's land labels), and the default model (the untrained aurora-0.25 control, seed 0).
import { spawnSync } from 'node:child_process';
import { copyFileSync, cpSync, existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { DEFAULT_MODEL_FILE, DEFAULT_UNTRAINED } from '../src/encoder/untrained.ts';
import { TFJS_WASM_FILES } from '../src/probes/backend.ts';
import { ERA5_STATIC_STORE, ERA5_STATIC_STORE_ON_SITE } from '../src/data/land-sea-mask.ts';
import { SAMPLE_CLIMATE_VERSION } from '../src/data/sample/build-sample.node.ts';

const root = resolve(import.meta.dirname, '..');
const cli = join(root, 'bin', 'latent-explorer.mjs');

const SAMPLE_STORE = 'public/sample/era5-sample.zarr';
const SAMPLE_PERCENTILES = 'public/sample/tmax-percentiles.zarr';
const DEFAULT_MODEL = `models/${DEFAULT_MODEL_FILE}`;

function copyMatching(fromDir: string, toDir: string, keep: (name: string) => boolean): void {
  mkdirSync(toDir, { recursive: true });
  for (const name of readdirSync(fromDir).filter(keep)) {
    const target = join(toDir, name);
    if (!existsSync(target)) copyFileSync(join(fromDir, name), target);
  }
}

function runCli(args: string[]): void {
  console.log(`prepare-assets: latent-explorer ${args.join(' ')}`);
  const result = spawnSync(process.execPath, [cli, ...args], { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) throw new Error(`latent-explorer ${args[0]} failed with exit code ${result.status}`);
}

// onnxruntime-web's threaded WASM runtime, both the plain and the WebGPU (JSEP) builds.
copyMatching(join(root, 'node_modules/onnxruntime-web/dist'), join(root, 'public/ort'), (name) =>
  /^ort-wasm-simd-threaded(\.jsep)?\.(mjs|wasm)$/.test(name),
);
// tfjs-backend-wasm's binaries: the ones the probes backend may load (never the threaded one).
copyMatching(join(root, 'node_modules/@tensorflow/tfjs-backend-wasm/dist'), join(root, 'public/tfjs'), (name) =>
  (TFJS_WASM_FILES as readonly string[]).includes(name),
);

// The real ERA5 land-sea mask, which labels the patches of a latent store opened in the app.
if (!existsSync(join(root, 'public', ERA5_STATIC_STORE_ON_SITE, '.zmetadata'))) {
  cpSync(join(root, ERA5_STATIC_STORE), join(root, 'public', ERA5_STATIC_STORE_ON_SITE), { recursive: true });
}
/** Whether the sample store was built by this version of the synthetic climate. */
function sampleIsCurrent(): boolean {
  const attributes = join(root, SAMPLE_STORE, '.zattrs');
  if (!existsSync(attributes)) return false;
  return (JSON.parse(readFileSync(attributes, 'utf8')) as { climate_version?: unknown }).climate_version === SAMPLE_CLIMATE_VERSION;
}

if (!sampleIsCurrent() || !existsSync(join(root, SAMPLE_STORE, '.zmetadata')) || !existsSync(join(root, SAMPLE_PERCENTILES, '.zmetadata'))) {
  runCli(['build-sample']);
}
if (!existsSync(join(root, DEFAULT_MODEL)) || !existsSync(join(root, `${DEFAULT_MODEL}.json`))) {
  runCli(['init-model', '--preset', DEFAULT_UNTRAINED.preset, '--seed', String(DEFAULT_UNTRAINED.seed), '--out', DEFAULT_MODEL]);
}
