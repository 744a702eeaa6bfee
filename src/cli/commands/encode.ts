// latent-explorer encode: ERA5 from a Zarr store -> Aurora's encoder -> latents (.npy or a latent Zarr store).
import { writeFile } from 'node:fs/promises';
import { parseNumberList, parseOptions, requireString } from '../args.ts';
import { CliError } from '../errors.ts';
import { openEra5Dataset } from '../../data/dataset.ts';
import { LAYOUT_NAMES, type LayoutName } from '../../data/layout.ts';
import { parseTime } from '../../data/time-selection.ts';
import { loadBatch } from '../../data/load-batch.ts';
import { openSource } from '../../data/store.node.ts';
import { writeNpy } from '../../io/npy.ts';
import { writeLatentStore } from '../../encoder/latent-store.node.ts';
import { readModel } from '../../encoder/model-files.node.ts';
import { encodeBatch, type Region } from '../../encoder/runtime.ts';
import { createNodeSession } from '../../encoder/session.node.ts';

export const summary = 'Encode ERA5 times with an ONNX encoder into latents (.npy or .zarr)';

export const usage = `Usage: latent-explorer encode --store URL|PATH [--static URL|PATH] [--layout wb2|cds]
                              --time ISO[,ISO...] [--region S,N,W,E] --model FILE
                              --out FILE.npy|DIR.zarr

Reads the two history steps of each time from an ERA5 Zarr store, normalises them as
Aurora does and runs the encoder (onnxruntime-node, WASM if the native runtime cannot load).

Options:
  --store      the ERA5 store (local directory or http(s) URL)
  --static     a separate store with the static fields lsm, z, slt (default: --store)
  --layout     the store's variable naming; detected when left out
  --time       batch time(s), UTC, e.g. 2022-08-07T06:00; the step 6 h earlier must be in the store
  --region     S,N,W,E in degrees: encode only patches whose centres lie in this box
               (W > E crosses the 0/360 meridian); default: the whole grid.
               Write --region=-20,30,-50,70 when the first number is negative
  --model      an encoder from 'convert' or 'init-model' (with its .onnx.json sidecar)
  --out        FILE.npy: float32 (1, latent_levels * patches, D), Aurora's layout (one time only)
               DIR.zarr: surface_latent (time, embed, lat, lon), atmos_latent (time, embed,
               level, lat, lon) with patch-centre coordinates; appends to an existing store
Progress goes to stderr.
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

export function parseRegion(value: string | undefined): Extract<Region, { kind: 'box' }> | undefined {
  if (value === undefined) return undefined;
  const [south, north, west, east] = parseNumberList(value, 'region', 4);
  if (south > north) throw new CliError(`--region: south (${south}) must not be north of north (${north})`);
  if (south < -90 || north > 90) throw new CliError('--region: latitudes must lie in [-90, 90]');
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

export async function run(args: string[]): Promise<number> {
  const { values, positionals } = parseOptions(args, {
    store: { type: 'string' },
    static: { type: 'string' },
    layout: { type: 'string' },
    time: { type: 'string' },
    region: { type: 'string' },
    model: { type: 'string' },
    out: { type: 'string' },
  });
  if (positionals.length > 0) throw new CliError(`unexpected argument '${positionals[0]}'`);
  const store = requireString(values.store, 'store');
  const times = parseTimes(requireString(values.time, 'time'));
  const modelPath = requireString(values.model, 'model');
  const out = requireString(values.out, 'out');
  const region = parseRegion(values.region);
  const layout = values.layout;
  if (layout !== undefined && !(LAYOUT_NAMES as readonly string[]).includes(layout)) throw new CliError(`--layout must be one of ${LAYOUT_NAMES.join(', ')}`);
  const toZarr = /\.zarr\/?$/.test(out);
  if (!toZarr && !out.endsWith('.npy')) throw new CliError(`--out must end in .npy or .zarr, got '${out}'`);
  if (!toZarr && times.length > 1) throw new CliError('a .npy holds one time; give one --time or write a .zarr');

  const model = await readModel(modelPath);
  const session = await createNodeSession(model.onnx, { onFallback: (reason) => process.stderr.write(`onnxruntime-node unavailable (${reason}); using WASM\n`) });
  try {
    const source = await openSource(store);
    const staticSource = values.static ? await openSource(values.static) : undefined;
    const dataset = await openEra5Dataset(source, { layout: layout as LayoutName | undefined, staticSource });
    const trainedNote = model.sidecar.trained ? '' : ' (UNTRAINED control)';
    process.stderr.write(`model ${model.sidecar.name}${trainedNote} on ${session.backend}\n`);
    for (const time of times) {
      const label = time.toISOString().slice(0, 16);
      const reading = throttledProgress();
      const batch = await loadBatch(dataset, time, {
        region: region && { south: region.south, north: region.north },
        onProgress: (p) => reading(`${label} reading: ${p.chunksFetched}/${p.chunksTotal} chunks, ${(p.bytesFetched / 1e6).toFixed(1)} MB`, p.chunksFetched === p.chunksTotal),
      });
      const started = performance.now();
      const encoding = throttledProgress();
      const result = await encodeBatch(session, model.sidecar.config, batch, {
        region,
        onProgress: (p) => encoding(`${label} encoding: ${p.donePatches}/${p.totalPatches} patches`, p.doneTiles === p.totalTiles),
      });
      const seconds = (performance.now() - started) / 1000;
      process.stderr.write(`${label} encoded ${result.patchIndices.length} patches in ${seconds.toFixed(1)} s\n`);
      if (toZarr) await writeLatentStore(out, time, result, model.sidecar);
      else await writeFile(out, writeNpy({ data: result.latents, shape: [1, result.latentLevels * result.patchIndices.length, result.embedDim] }));
    }
    process.stderr.write(`wrote ${out}\n`);
    return 0;
  } finally {
    await session.release();
  }
}
