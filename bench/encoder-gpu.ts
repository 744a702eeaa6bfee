// npm run bench:encoder:gpu [-- --resolution 0.25|1] [-- --tiles rule,1024,2048,8192] [-- --backends native,native-guarded,native-float16,jsep,wasm,node-cpu]
//                           [-- --rows N] [-- --repeat 2] [-- --allow-software] [-- --json FILE]
// The encoder on WebGPU in Node, through Dawn (the npm package `webgpu`; Vulkan on Linux), with the
// session code the browser runs (src/encoder/session.webgpu.ts), beside onnxruntime-web's WASM and
// onnxruntime-node's CPU. Per backend and tile size: session creation, the app's warm-up (a new
// session's first run, which is slow on a GPU), the first encode at that tile size, steady encode
// (median of --repeat after one untimed run at that tile size), time inside session.run, patches/s,
// and the max abs error against onnxruntime-node's CPU on the same inputs. GPU sessions run here
// without the self-check, so that a wrong kernel shows as an error figure.
// native-float16 is the native EP on the model's float16 variant (src/encoder/graph-float16.ts), where
// the adapter has shader-f16: its error is against the same float32 reference, so it shows what float16
// costs in accuracy; it is an option, never the default.
// native-guarded is the native EP as the app and the CLI run it: under the self-check (each larger tile
// also run on onnxruntime-node's CPU for a sample of its patches) and the fallback to that CPU session;
// it prints each check's figures, or why the encode left the GPU.
// `rule` is the tile the adapter's limits give (src/encoder/gpu-tiles.ts). Prints the adapter and its
// limits; on a machine without a GPU it says so and exits 0 (--allow-software runs on lavapipe or
// SwiftShader instead, slowly: for rehearsals). scripts/gpu-bench.sh packs this for a bare GPU machine.
import { writeFileSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { describeError } from '../src/describe-error.ts';
import { PRESETS, type EncoderConfig } from '../src/encoder/config.ts';
import { FLOAT16_NOT_DEFAULT, FLOAT16_TOLERANCE, modelInPrecision } from '../src/encoder/graph-float16.ts';
import { readModelConfig } from '../src/encoder/model.ts';
import { encodeBatch, warmUpSession, type EncoderSession, type EncodeResult } from '../src/encoder/runtime.ts';
import { createDawnSession, createGuardedDawnSession, dawnAdapter } from '../src/encoder/session.dawn.node.ts';
import { createNodeSession } from '../src/encoder/session.node.ts';
import { WEBGPU_BUILD_NAMES, type WebGpuBuild } from '../src/encoder/session.webgpu.ts';
import { buildUntrainedModel } from '../src/encoder/untrained.ts';
import { syntheticGlobalBatch } from './encoder-timing.ts';
import { median, recordFigures, type Figure } from './summary.ts';
import type { NormalisedBatch } from '../src/data/batch.ts';

const { values } = parseArgs({
  options: {
    resolution: { type: 'string', default: '0.25' },
    tiles: { type: 'string', default: 'rule,1024,2048,8192' },
    backends: { type: 'string', default: 'native,native-float16,jsep,wasm,node-cpu' },
    rows: { type: 'string' },
    repeat: { type: 'string', default: '2' },
    'allow-software': { type: 'boolean', default: false },
    json: { type: 'string' },
  },
});

type Backend = WebGpuBuild | 'native-guarded' | 'native-float16' | 'wasm' | 'node-cpu';
const BACKENDS: readonly Backend[] = ['native', 'native-guarded', 'native-float16', 'jsep', 'wasm', 'node-cpu'];
const backends = values.backends.split(',').map((name) => {
  if (!(BACKENDS as readonly string[]).includes(name)) throw new Error(`--backends: ${name} is not one of ${BACKENDS.join(', ')}`);
  return name as Backend;
});
const resolution = Number(values.resolution);
const repeat = Math.max(1, Number(values.repeat));
const config: EncoderConfig = PRESETS['aurora-0.25'];
const { onnx } = buildUntrainedModel('aurora-0.25', 0, 'bench');
if (!readModelConfig(onnx)) throw new Error('the benchmark model does not record its configuration');

const load = () => loadavg().map((value) => value.toFixed(1)).join(' ');
console.log(`bench:encoder:gpu  aurora-0.25 (untrained seed 0), ${resolution} degree, ${availableParallelism()} cores, load average ${load()}`);

const gpuBackends = backends.filter((backend) => backend !== 'wasm' && backend !== 'node-cpu');
const found = await dawnAdapter({ allowSoftware: values['allow-software'] });
if (found.gpu === null) {
  console.log(`no WebGPU adapter: ${found.reason}`);
  if (gpuBackends.length > 0) {
    console.log('no GPU figures measured; nothing to compare the CPU against here (npm run bench:encoder times the CPU). Exiting 0.');
    process.exit(0);
  }
} else {
  console.log(`adapter: ${found.gpu.description}`);
  const limits = found.gpu.adapter.limits as unknown as Record<string, unknown>;
  // WebGPU's limits are attributes (getters): for...in sees them, Object.keys does not.
  const described: string[] = [];
  for (const name in limits) if (typeof limits[name] === 'number') described.push(`${name} ${limits[name]}`);
  console.log(`limits: ${described.join(', ')}`);
  console.log(`features: ${[...found.gpu.adapter.features].sort().join(', ')}`);
}

const batch = restrictRows(syntheticGlobalBatch(resolution), values.rows === undefined ? undefined : Number(values.rows));
const patchRows = batch.lat.length / config.patchSize;
const patches = patchRows * (batch.lon.length / config.patchSize);
console.log(`batch: ${batch.lat.length} x ${batch.lon.length} grid points, ${patches.toLocaleString('en')} patches, ${batch.levels.length} levels\n`);

/** The first `rows` patch rows of a batch (a short run for rehearsals on software adapters). */
function restrictRows(full: NormalisedBatch, rows: number | undefined): NormalisedBatch {
  if (rows === undefined) return full;
  const height = rows * config.patchSize;
  const plane = full.lat.length * full.lon.length;
  const keep = height * full.lon.length;
  const crop = (data: Float32Array) => {
    const planes = data.length / plane;
    const out = new Float32Array(planes * keep);
    for (let p = 0; p < planes; p++) out.set(data.subarray(p * plane, p * plane + keep), p * keep);
    return out;
  };
  const map = <K extends string>(fields: Record<K, Float32Array>) => Object.fromEntries(Object.entries(fields).map(([name, data]) => [name, crop(data as Float32Array)])) as Record<K, Float32Array>;
  return { ...full, lat: full.lat.subarray(0, height), surface: map(full.surface), static: map(full.static), atmos: map(full.atmos), fullHeight: height };
}

// The reference: onnxruntime-node's CPU on the same inputs.
const cpu = await createNodeSession(onnx, { backend: 'node-cpu' });
let started = performance.now();
const reference = await encodeBatch(cpu, config, batch);
console.log(`reference: ${cpu.backend}, ${((performance.now() - started) / 1000).toFixed(2)} s\n`);

interface Row {
  backend: string;
  tile: string;
  tilePatches: number;
  createSeconds: number | null;
  /** The app's warm-up (runtime.ts warmUpSession, one patch row of zeros) before the first encode. */
  warmUpSeconds: number | null;
  /** The first encode at this tile size (new shapes may cost more than a steady encode). */
  firstSeconds: number;
  steadySeconds: number;
  runSeconds: number;
  patchesPerSecond: number;
  maxAbsError: number;
}
const rows: Row[] = [];

function maxAbsError(result: EncodeResult): number {
  let max = 0;
  for (let i = 0; i < reference.latents.length; i++) {
    const difference = Math.abs(result.latents[i] - reference.latents[i]);
    if (!(difference <= max)) max = Number.isNaN(difference) ? Number.POSITIVE_INFINITY : difference;
  }
  return max;
}

async function timed<T>(work: () => Promise<T>): Promise<{ value: T; seconds: number }> {
  const start = performance.now();
  const value = await work();
  return { value, seconds: (performance.now() - start) / 1000 };
}

function printRow(row: Row): void {
  const seconds = (value: number | null) => (value === null ? '' : `${value.toFixed(2)} s`);
  console.log(
    [
      row.backend.padEnd(62),
      `tile ${row.tile.padStart(12)}`,
      `create ${seconds(row.createSeconds).padStart(8)}`,
      `warm-up ${seconds(row.warmUpSeconds).padStart(8)}`,
      `first ${seconds(row.firstSeconds).padStart(8)}`,
      `steady ${seconds(row.steadySeconds).padStart(8)}`,
      `in run ${seconds(row.runSeconds).padStart(8)} (wall/run ${(row.steadySeconds / row.runSeconds).toFixed(2)})`,
      `${row.patchesPerSecond.toFixed(0).padStart(7)} patches/s`,
      `max abs error ${row.maxAbsError.toExponential(1)}`,
    ].join('  '),
  );
}

async function measure(session: EncoderSession, backend: string, createSeconds: number, warmUpSeconds: number | null, tiles: Array<{ label: string; patches: number | undefined }>): Promise<void> {
  for (const tile of tiles) {
    const options = { maxTilePatches: tile.patches };
    const first = await timed(() => encodeBatch(session, config, batch, options));
    const steady: number[] = [];
    const inRun: number[] = [];
    let result = first.value;
    for (let run = 0; run < repeat; run++) {
      const before = session.runMilliseconds ?? Number.NaN;
      const timing = await timed(() => encodeBatch(session, config, batch, options));
      steady.push(timing.seconds);
      inRun.push(((session.runMilliseconds ?? Number.NaN) - before) / 1000);
      result = timing.value;
    }
    const row: Row = {
      backend,
      tile: tile.label,
      tilePatches: tile.patches ?? 0,
      createSeconds: tile === tiles[0] ? createSeconds : null,
      warmUpSeconds: tile === tiles[0] ? warmUpSeconds : null,
      firstSeconds: first.seconds,
      steadySeconds: median(steady),
      runSeconds: median(inRun),
      patchesPerSecond: patches / median(steady),
      maxAbsError: maxAbsError(result),
    };
    rows.push(row);
    printRow(row);
  }
}

/** The app's warm-up when a model is chosen (EncoderReadiness): a first run on one patch row of zeros. */
const warmUp = (session: EncoderSession) => timed(() => warmUpSession(session, config, batch.levels.length, batch.lon.length / config.patchSize));

let float16Note = backends.includes('native-float16') ? 'not measured' : 'not asked for (--backends without native-float16)';
for (const backend of backends) {
  started = performance.now();
  if (backend === 'native-guarded') {
    if (found.gpu === null) continue;
    const created = await timed(() =>
      createGuardedDawnSession(onnx, {
        config,
        allowSoftware: values['allow-software'],
        createCpu: () => createNodeSession(onnx, { backend: 'node-cpu' }),
        onChecked: (check) => console.log(`self-check: a tile of ${check.tilePatches} patches, ${check.checkedPatches} of them on the CPU too: max abs difference ${check.maxAbsDifference.toExponential(1)}`),
        onFallback: (reason) => console.log(`fallback: ${reason}`),
      }),
    );
    try {
      await measure(created.value, `${created.value.backend}, self-checked`, created.seconds, (await warmUp(created.value)).seconds, [{ label: 'rule', patches: undefined }]);
    } finally {
      await created.value.release();
    }
  } else if (backend === 'native' || backend === 'jsep' || backend === 'native-float16') {
    if (found.gpu === null) continue;
    const float16 = backend === 'native-float16';
    if (float16 && !found.gpu.adapter.features.has('shader-f16')) {
      float16Note = 'not measured: the adapter has no shader-f16';
      console.log(`native-float16: ${float16Note}`);
      continue;
    }
    const build = float16 ? 'native' : backend;
    const model = modelInPrecision(onnx, float16 ? 'float16' : 'float32');
    const created = await timed(() => createDawnSession(model, { build, config, allowSoftware: values['allow-software'] })).catch((error: unknown) => {
      console.log(`${backend}: no session: ${describeError(error)}`);
      if (float16) float16Note = `not measured: no session (${describeError(error)})`;
      return null;
    });
    if (created === null) continue;
    const session = created.value;
    const plan = session.tilePlan(batch.levels.length);
    console.log(`${WEBGPU_BUILD_NAMES[build]}${float16 ? ', float16' : ''}: the rule gives ${plan.explanation}`);
    const tiles = values.tiles.split(',').map((text) => (text === 'rule' ? { label: `rule ${plan.patches}`, patches: plan.patches } : { label: text, patches: Number(text) }));
    try {
      // Warmed up as the app does, so that the first encode shows what the warm-up leaves to pay.
      await measure(session, session.backend, created.seconds, (await warmUp(session)).seconds, tiles);
    } catch (error) {
      console.log(`${session.backend}: failed: ${describeError(error)}`);
      if (float16) float16Note = `not measured: failed (${describeError(error)})`;
    } finally {
      await session.release();
    }
  } else {
    const created = await timed(() => (backend === 'node-cpu' ? Promise.resolve(cpu) : createNodeSession(onnx, { backend: 'wasm' })));
    await measure(created.value, created.value.backend, created.seconds, null, [{ label: 'default 512', patches: undefined }]);
    if (created.value !== cpu) await created.value.release();
  }
}
await cpu.release();

const best = rows.filter((row) => row.maxAbsError <= 1e-4).sort((a, b) => a.steadySeconds - b.steadySeconds)[0];
const float16Rows = rows.filter((row) => row.backend.endsWith(', float16'));
if (float16Rows.length > 0) float16Note = `max abs error against float32 ${Math.max(...float16Rows.map((row) => row.maxAbsError)).toExponential(1)} (allowed ${FLOAT16_TOLERANCE} in the CLI's check)`;
console.log(`\nfloat16 (shader-f16): ${float16Note}; ${FLOAT16_NOT_DEFAULT}`);
console.log(`fastest right backend: ${best ? `${best.backend}, tile ${best.tile}: ${best.steadySeconds.toFixed(2)} s (wall/run ${(best.steadySeconds / best.runSeconds).toFixed(2)})` : 'none'}; load average ${load()}`);
const where = found.gpu?.description.split(';')[0] ?? 'no GPU';
const figures: Figure[] = rows.flatMap((row) => {
  const name = `aurora-0.25 ${resolution} deg, Node, ${row.backend}, tile ${row.tile}`;
  return [
    { bench: 'encoder-gpu', name, value: row.steadySeconds, unit: 's', target: row.backend.startsWith('WebGPU') && resolution === 0.25 ? { kind: 'max', limit: 2, source: `issue 13, on ${where}` } : undefined },
    { bench: 'encoder-gpu', name: `${name}, wall / inside session.run`, value: row.steadySeconds / row.runSeconds, unit: 'x', target: { kind: 'max', limit: 1.15, source: 'issue 13' } },
    {
      bench: 'encoder-gpu',
      name: `${name}, max abs error vs onnxruntime-node CPU float32`,
      value: row.maxAbsError,
      unit: '',
      target: row.backend.endsWith(', float16') ? { kind: 'max', limit: FLOAT16_TOLERANCE, source: 'float16 allowance (graph-float16.ts)' } : { kind: 'max', limit: 1e-4, source: 'self-check tolerance' },
    },
  ];
});
recordFigures(figures);
if (values.json) writeFileSync(values.json, JSON.stringify({ adapter: found.gpu?.description ?? null, load: load(), resolution, patches, rows }, null, 1));
// dawn.node keeps the event loop alive.
process.exit(0);
