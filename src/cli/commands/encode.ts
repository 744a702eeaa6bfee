// latent-explorer encode: ERA5 from a Zarr store -> Aurora's encoder -> latents (.npy or a latent Zarr store).
import { writeFile } from 'node:fs/promises';
import { parseNumberList, parseOptions, requireString } from '../args.ts';
import { CliError } from '../errors.ts';
import { resolveShard, shardIndices } from '../shard.ts';
import { parseChosenTimes, resolveChosenTimes } from './study-compare.ts';
import { datasetNoteLines, openDatasetFromOptions, STORE_OPTIONS, STORE_USAGE } from '../store-options.ts';
import { formatBytes } from '../../data/errors.ts';
import { openLatentStoreForWriting } from '../../data/latent-store-writer.node.ts';
import { distinctTimes, parseTime, repeatedTimesNotice } from '../../data/time-selection.ts';
import { estimateBatchFetch, historyStepIndices, loadBatch } from '../../data/load-batch.ts';
import { writeNpy } from '../../io/npy.ts';
import { describeLatentStore } from '../../encoder/latent-store-description.node.ts';
import { readModel, sha256File } from '../../encoder/model-files.node.ts';
import { encodeBatch, type EncoderSession, type Region } from '../../encoder/runtime.ts';
import type { EncoderConfig } from '../../encoder/config.ts';
import { DEFAULT_PRECISION_BOUND, FLOAT16, FLOAT16_FIXTURE_ERROR, FLOAT16_NOT_DEFAULT, FLOAT16_TOLERANCE, modelInPrecision, PRECISIONS, type Precision } from '../../encoder/graph-float16.ts';
import { guardGpuSession, type SelfCheckResult } from '../../encoder/session-fallback.ts';
import { createGuardedDawnSession, dawnAdapter } from '../../encoder/session.dawn.node.ts';
import { createNodeSession } from '../../encoder/session.node.ts';
import { describeError } from '../../describe-error.ts';

export const summary = 'Encode ERA5 times with an ONNX encoder into latents (.npy or .zarr)';

export const usage = `Usage: latent-explorer encode --store URL|PATH [--atmos-store URL|PATH] [--static URL|PATH]
                              [--layout wb2|cds] [--var AURORA=NAME ...] [--levels L,...]
                              (--time ISO[,ISO...] | --times RULE) [--region S,N,W,E] --model FILE
                              --out FILE.npy|DIR.zarr [--dtype float32|float64]
                              [--shard K/N | --shards N] [--backend cpu|webgpu|wasm]
                              [--precision float32|float16]

Reads the two history steps of each time from ERA5 Zarr stores, normalises them as Aurora
does and runs the encoder (onnxruntime-node, WASM if the native runtime cannot load). Only
the chunks that hold the two times (and the region's patches) are read, each once; what that
costs is printed beforehand, from the metadata.

Options:
${STORE_USAGE}
  --time       batch time(s), UTC, e.g. 2022-08-07T06:00; the step 6 h earlier must be in the store
  --times      a rule over the store's times that have their previous step: every:K, every:K:FROM..TO
               or FROM..TO (range ends inclusive instants), or a list ISO,ISO,...
  --region     S,N,W,E in degrees: encode only patches whose centres lie in this box
               (W > E crosses the 0/360 meridian); default: the whole grid.
               Write --region=-20,30,-50,70 when the first number is negative
  --model      an encoder from 'convert' or 'init-model' (with its .onnx.json sidecar)
  --backend    cpu (default): onnxruntime-node on every core;
               webgpu: WebGPU through Dawn (the npm package webgpu) on a Vulkan GPU, tiles from
               the GPU's limits, its first tiles checked against the CPU (a mismatch or a GPU
               error moves the encode to the CPU, and says why); the CPU when there is no GPU;
               wasm: onnxruntime-web's WASM
  --precision  float32 (default) or float16: the model's float16 variant (weights rounded to
               float16, float16 arithmetic; on WebGPU it needs the adapter's shader-f16, else it
               runs on the CPU). Its first tile is also run in float32 on the CPU and the max abs
               difference printed; past ${FLOAT16_TOLERANCE} the encode continues in float32 on the CPU.
               Not the default: on Aurora's tiny-global fixture it is ${FLOAT16_FIXTURE_ERROR.toExponential(1)} off Microsoft's
               float32 encoding (onnxruntime's CPU), past the ${DEFAULT_PRECISION_BOUND.toExponential(0)} a default must meet.
  --out        FILE.npy: float32 (1, latent_levels * patches, D), Aurora's layout (one time only)
               DIR.zarr: a latent store in the study's layout, which xarray opens:
               surface_latent (time, embed, lat, lon) and atmos_latent (time, embed, level, lat,
               lon), level 0..2, lat/lon the patch centres, time the batch time (CF), one chunk per
               time, attributes naming the model, its sha256, its configuration and the source.
               The store is created with the whole time axis first; each time is then written into
               its own chunks (whole or not at all). Times already written are skipped, so a rerun
               resumes, and several processes may write one store at once, each with its --shard.
  --dtype      the latents' type in DIR.zarr: float32 (default) or float64 (as the study's store)
  --shard K/N  write only the times whose index on the time axis is K modulo N (K from 0).
               Defaults from JOB_COMPLETION_INDEX (a Kubernetes Indexed Job; give --shards N) or
               SLURM_ARRAY_TASK_ID less SLURM_ARRAY_TASK_MIN (N from --shards or SLURM_ARRAY_TASK_COUNT)
  --shards N   the number of shards, for a scheduler's index
Progress goes to stderr. docs/batch-encode.md has a Kubernetes Indexed Job and a Slurm array script.
`;

/** Comma-separated times of `option` (src/data/time-selection.ts parseTime reads each). */
export function parseTimes(value: string, option = '--time'): Date[] {
  return value.split(',').map((text) => {
    try {
      return parseTime(text.trim());
    } catch (error) {
      throw new CliError(`${option}: ${error instanceof Error ? error.message : String(error)}`);
    }
  });
}

/** One time of `option`: a list is an error, not its first item. */
export function parseOneTime(value: string, option: string): Date {
  const times = parseTimes(value, option);
  if (times.length !== 1) throw new CliError(`${option} takes one time, got ${times.length} ('${value}')`);
  return times[0];
}

export function parseRegion(value: string | undefined, option = 'region'): Extract<Region, { kind: 'box' }> | undefined {
  if (value === undefined) return undefined;
  const [south, north, west, east] = parseNumberList(value, option, 4);
  if (south > north) throw new CliError(`--${option}: south (${south}) must not be north of north (${north})`);
  if (south < -90 || north > 90) throw new CliError(`--${option}: latitudes must lie in [-90, 90]`);
  return { kind: 'box', south, north, west, east };
}

/** Writes a progress line at most once a second, and always the last one. */
export function throttledProgress(): (line: string, done: boolean) => void {
  let last = 0;
  return (line, done) => {
    const now = performance.now();
    if (!done && now - last < 1000) return;
    last = now;
    process.stderr.write(`${line}\n`);
  };
}

export const ENCODE_BACKENDS = ['cpu', 'webgpu', 'wasm'] as const;
export type EncodeBackend = (typeof ENCODE_BACKENDS)[number];

const warn = (line: string) => process.stderr.write(`${line}\n`);

/**
 * The session `backend` names, in `precision`; webgpu without a usable GPU (for float16: without
 * shader-f16) runs on the CPU, and says why. A float16 session is checked against float32 on the CPU
 * (its first tile, as the GPU self-check does, within FLOAT16_TOLERANCE) and the figure is printed.
 */
export async function createEncodeSession(onnx: Uint8Array, config: EncoderConfig, backend: EncodeBackend, precision: Precision = 'float32'): Promise<EncoderSession> {
  const cpu = (model = onnx) => createNodeSession(model, { onFallback: (reason) => warn(`onnxruntime-node unavailable (${reason}); using WASM`) });
  const model = modelInPrecision(onnx, precision);
  const float16 = precision === FLOAT16;
  if (float16) warn(`--precision float16: ${FLOAT16_NOT_DEFAULT}`);
  const onChecked = (check: SelfCheckResult) =>
    warn(
      float16
        ? `float16: max abs difference ${check.maxAbsDifference.toExponential(1)} against float32 on the CPU, on ${check.checkedPatches} patches of a ${check.tilePatches}-patch tile (allowed ${FLOAT16_TOLERANCE})`
        : `self-check: ${check.checkedPatches} patches of a ${check.tilePatches}-patch tile within ${check.maxAbsDifference.toExponential(1)} of the CPU`,
    );
  const onCpu = async () => {
    const session = await (backend === 'wasm' ? createNodeSession(model, { backend: 'wasm' }) : cpu(model));
    if (!float16) return session;
    return guardGpuSession(session, () => cpu(), { tolerance: FLOAT16_TOLERANCE, onChecked, onFallback: (error) => warn(`${describeError(error)}; continuing in float32 on the CPU`) });
  };
  if (backend !== 'webgpu') return onCpu();
  const found = await dawnAdapter();
  if (found.gpu === null) {
    warn(`--backend webgpu: ${found.reason}; encoding on the CPU`);
    return onCpu();
  }
  warn(`WebGPU adapter: ${found.gpu.description}`);
  if (float16 && !found.gpu.adapter.features.has('shader-f16')) {
    warn('--precision float16: the WebGPU adapter has no shader-f16; encoding the float16 variant on the CPU');
    return onCpu();
  }
  try {
    return await createGuardedDawnSession(model, { config, createCpu: () => cpu(), tolerance: float16 ? FLOAT16_TOLERANCE : undefined, onFallback: warn, onChecked });
  } catch (error) {
    warn(`WebGPU could not start the encoder (${describeError(error)}); encoding on the CPU`);
    return onCpu();
  }
}

export async function run(args: string[]): Promise<number> {
  const { values, positionals } = parseOptions(args, {
    ...STORE_OPTIONS,
    time: { type: 'string' },
    times: { type: 'string' },
    region: { type: 'string' },
    model: { type: 'string' },
    out: { type: 'string' },
    dtype: { type: 'string' },
    shard: { type: 'string' },
    shards: { type: 'string' },
    backend: { type: 'string', default: 'cpu' },
    precision: { type: 'string', default: 'float32' },
  });
  if (positionals.length > 0) throw new CliError(`unexpected argument '${positionals[0]}'`);
  if ((values.time === undefined) === (values.times === undefined)) throw new CliError('give the times to encode: --time ISO[,ISO...] or --times RULE (one of them)');
  const listed = values.time !== undefined ? distinctTimes(parseTimes(values.time)) : undefined;
  if (listed && listed.repeated.length > 0) process.stderr.write(`${repeatedTimesNotice('--time', listed.repeated)}\n`);
  const chosen = listed ? { option: '--time', selection: { kind: 'list' as const, times: listed.times } } : parseChosenTimes('--times', values.times ?? '');
  const modelPath = requireString(values.model, 'model');
  const out = requireString(values.out, 'out');
  const region = parseRegion(values.region);
  const toZarr = /\.zarr\/?$/.test(out);
  if (!toZarr && !out.endsWith('.npy')) throw new CliError(`--out must end in .npy or .zarr, got '${out}'`);
  if (!toZarr && (values.dtype ?? values.shard ?? values.shards) !== undefined) throw new CliError('--dtype, --shard and --shards are for a DIR.zarr --out');
  const dtype = values.dtype ?? 'float32';
  if (dtype !== 'float32' && dtype !== 'float64') throw new CliError(`--dtype must be float32 or float64, got '${dtype}'`);
  const shard = toZarr ? resolveShard(values.shard, values.shards, process.env) : undefined;

  const backend = values.backend;
  if (!(ENCODE_BACKENDS as readonly string[]).includes(backend)) throw new CliError(`--backend must be one of ${ENCODE_BACKENDS.join(', ')}, got '${backend}'`);
  const precision = values.precision;
  if (!(PRECISIONS as readonly string[]).includes(precision)) throw new CliError(`--precision must be one of ${PRECISIONS.join(', ')}, got '${precision}'`);
  const model = await readModel(modelPath);
  const dataset = await openDatasetFromOptions(values);
  const times = resolveChosenTimes(chosen, dataset);
  if (!toZarr && times.length > 1) throw new CliError('a .npy holds one time; give one --time or write a .zarr');
  // Every time is checked before anything is written: a store is never created for times it cannot hold.
  for (const time of times) historyStepIndices(dataset, time);
  const latentStore = toZarr
    ? await openLatentStoreForWriting(
        out,
        describeLatentStore(dataset, times, region, model.sidecar, {
          dtype,
          modelSha256: await sha256File(modelPath),
          store: values['surface-store'] ?? values.store ?? '',
          atmosStore: values['atmos-store'],
          staticStore: values.static,
          precision: precision as Precision,
        }),
      )
    : undefined;
  const mine = latentStore && shard ? shardIndices(shard, times.length) : [0];
  if (latentStore && shard) {
    await latentStore.removeLeftovers(mine);
    process.stderr.write(`${out}: shard ${shard.index}/${shard.count} (${shard.from}) has ${mine.length} of the store's ${times.length} times\n`);
  }

  const session = await createEncodeSession(model.onnx, model.sidecar.config, backend as EncodeBackend, precision as Precision);
  try {
    const trainedNote = model.sidecar.trained ? '' : ' (UNTRAINED control)';
    process.stderr.write(`model ${model.sidecar.name}${trainedNote} on ${session.backend}\n`);
    process.stderr.write(`pressure levels: ${dataset.batchLevels.join(', ')} hPa (${dataset.batchLevels.length} of Aurora's 13)\n`);
    for (const line of datasetNoteLines(dataset, 'note: ')) process.stderr.write(`${line}\n`);
    let written = 0;
    for (const index of mine) {
      const time = times[index];
      const label = time.toISOString().slice(0, 16);
      if (latentStore && (await latentStore.isWritten(index))) {
        process.stderr.write(`${label} already written, skipped\n`);
        continue;
      }
      const estimate = await estimateBatchFetch(dataset, time, region);
      process.stderr.write(
        `${label} to read: ${estimate.chunks} chunks, ${formatBytes(estimate.uncompressedBytes)} decoded (compressed, less is sent), for ${formatBytes(estimate.neededBytes)} of values\n`,
      );
      const reading = throttledProgress();
      const batch = await loadBatch(dataset, time, {
        region,
        onProgress: (p) => reading(`${label} reading: ${p.chunksFetched}/${p.chunksTotal} chunks, ${formatBytes(p.bytesFetched)} of ≈ ${formatBytes(p.estimatedTotalBytes)}`, p.chunksFetched === p.chunksTotal),
      });
      const started = performance.now();
      const encoding = throttledProgress();
      const result = await encodeBatch(session, model.sidecar.config, batch, {
        region,
        onProgress: (p) => encoding(`${label} encoding: ${p.donePatches}/${p.totalPatches} patches`, p.doneTiles === p.totalTiles),
      });
      const seconds = (performance.now() - started) / 1000;
      process.stderr.write(`${label} encoded ${result.patchIndices.length} patches in ${seconds.toFixed(1)} s\n`);
      if (latentStore) {
        await latentStore.writeTime(index, result.latents);
        written += 1;
        process.stderr.write(`${label} written (time ${index} of the store)\n`);
      } else await writeFile(out, writeNpy({ data: result.latents, shape: [1, result.latentLevels * result.patchIndices.length, result.embedDim] }));
    }
    if (latentStore) {
      const done = (await Promise.all(times.map((_, index) => latentStore.isWritten(index)))).filter(Boolean).length;
      process.stderr.write(`${out}: wrote ${written} time(s); the store holds ${done} of its ${times.length} times\n`);
    } else process.stderr.write(`wrote ${out}\n`);
    return 0;
  } finally {
    await session.release();
  }
}
