// `latent-explorer similarity`: linear CKA between latent spaces on the same patches (studies/similarity.ts),
// each side an encoder (an ONNX file, or Aurora's untrained encoder built in memory) run on an ERA5
// store, or a latent store: every level of A against every level of B, A's levels against each
// other, or one level across times; each row with the CKA against a column-shuffled copy (the noise floor).
import { parseOptions, parseSeed } from '../args.ts';
import { CliError } from '../errors.ts';
import { parseRegion } from './encode.ts';
import { parseChosenTimes, resolveChosenTimes } from './study-compare.ts';
import { encodeStudyTimes, openStudyDataset, readStudyModel } from './study-common.ts';
import type { Era5Dataset } from '../../data/dataset.ts';
import { LAYOUT_NAMES } from '../../data/layout.ts';
import { openLatentStore, type LatentStore } from '../../data/latent-store.ts';
import { STUDY1_TIME } from '../../data/sample/times.ts';
import { openReader } from '../../data/store.node.ts';
import { presetForEmbedDim, type EncoderConfig, type PresetName } from '../../encoder/config.ts';
import { selectPatches, type Region } from '../../encoder/runtime.ts';
import { buildUntrainedModel, DEFAULT_UNTRAINED } from '../../encoder/untrained.ts';
import { initNodeProbeBackend } from '../../probes/backend.node.ts';
import { compareLevels, compareTimes, levelsRepresentation, studyTimeRepresentation, type Representation, type SimilarityMatrix } from '../../studies/similarity.ts';
import { progressPrinter } from './study-common.ts';
import { DEFAULT_MODEL } from './study.ts';

export const summary = 'Linear CKA between latent spaces: two models, a model and its untrained control, a latent store and an encoding, levels, times';

export const usage = `Usage:
  latent-explorer similarity --a SOURCE [--b SOURCE] [--store URL|PATH] [--static URL|PATH] [--layout wb2|cds]
                             [--time ISO | --times ISO,...|every:K[:FROM..TO]|FROM..TO] [--levels all|0,1,...]
                             [--region S,N,W,E] [--seed 0] [--json]

Linear CKA (Kornblith et al., 2019) of two representations of the same patches: 1 when they differ
by a rotation and a scale, near 0 when unrelated. Each row also gets the CKA of its representation
against a copy whose columns are shuffled: the noise floor of this many patches.

  --a, --b     a SOURCE each:
                 FILE.onnx        an encoder (with its sidecar), run on --store at the time
                 untrained[:SEED] Aurora's untrained encoder of the other side's preset (else ${DEFAULT_UNTRAINED.preset}),
                                  seed SEED (default ${DEFAULT_UNTRAINED.seed}), built in memory and run on --store
                 DIR.zarr or URL  a latent store in the study's layout (surface_latent, atmos_latent)
               --a defaults to ${DEFAULT_MODEL}. Without --b, A's levels are compared with each other.
  --store      the ERA5 store an encoder runs on (as for 'encode'); not needed for latent stores alone
  --time       the batch time (default ${STUDY1_TIME.toISOString().slice(0, 16)})
  --times      several times: each level of A at each time against the same level at the others
               (one matrix per level); a list or a rule, as 'study --times' takes them
  --levels     latent levels: all (default) or a list, 0 the surface, 1.. the atmospheric levels
  --region     S,N,W,E: only the patches whose centres lie in it
  --seed       seed of the column shuffles (default 0)
  --json       print JSON instead of tables`;

const OPTIONS = {
  a: { type: 'string' },
  b: { type: 'string' },
  store: { type: 'string' },
  static: { type: 'string' },
  layout: { type: 'string' },
  time: { type: 'string' },
  times: { type: 'string' },
  levels: { type: 'string' },
  region: { type: 'string' },
  seed: { type: 'string' },
  json: { type: 'boolean' },
} as const;

type Values = ReturnType<typeof parseOptions<typeof OPTIONS>>['values'];

interface EncoderModel {
  name: string;
  onnx: Uint8Array;
  config: EncoderConfig;
}

/** A side of the comparison, as the command line names it. */
type Source = { kind: 'model'; path: string } | { kind: 'untrained'; seed: number } | { kind: 'latents'; location: string };

export async function run(args: string[]): Promise<number> {
  const { values, positionals } = parseOptions(args, OPTIONS);
  if (positionals.length > 0) throw new CliError(`unexpected argument '${positionals[0]}'`);
  if (values.time !== undefined && values.times !== undefined) throw new CliError('give --time or --times, not both');
  if (values.times !== undefined && values.b !== undefined) throw new CliError('--times compares one source across times: leave out --b');
  if (values.layout !== undefined && !(LAYOUT_NAMES as readonly string[]).includes(values.layout)) throw new CliError(`--layout must be one of ${LAYOUT_NAMES.join(', ')}`);
  const a = parseSource(values.a ?? DEFAULT_MODEL, 'a');
  const b = values.b === undefined ? undefined : parseSource(values.b, 'b');
  const seed = values.seed === undefined ? 0 : parseSeed(values.seed, 'seed');
  const region = parseRegion(values.region);
  await initNodeProbeBackend();
  const context = new SourceContext(values, region);
  const chosen = values.times === undefined ? parseChosenTimes('--time', values.time ?? STUDY1_TIME.toISOString()) : parseChosenTimes('--times', values.times);
  const times = await context.times(chosen, [a, b]);
  if (values.times !== undefined && times.length < 2) throw new CliError(`--times chose ${times.length} time; comparing times needs at least two`);

  const first = await context.representations(a, times, b);
  const levels = parseLevels(values.levels, first[0]);
  const control = { onProgress: scaledPrinter() };
  let matrices: { title: string; matrix: SimilarityMatrix }[];
  if (values.times !== undefined) {
    matrices = [];
    for (const level of levels) matrices.push({ title: `${first[0].name}, latent level ${level}, time against time`, matrix: await compareTimes(first, level, { seed, control }) });
  } else {
    const [other] = b ? await context.representations(b, times, a) : first;
    const title = b ? `${first[0].name} (rows) against ${other.name} (columns), ${times[0].toISOString().slice(0, 16)}` : `${first[0].name}, level against level, ${times[0].toISOString().slice(0, 16)}`;
    matrices = [{ title, matrix: await compareLevels(first[0], other, { a: levels, b: b ? parseLevels(values.levels, other) : levels }, { seed, control }) }];
  }
  const output = { a: describeSource(a, first[0]), b: b ? describeSource(b) : null, times: times.map((time) => time.toISOString()), seed, matrices: matrices.map(matrixJson) };
  process.stdout.write(values.json ? JSON.stringify(output) + '\n' : matrices.map(({ title, matrix }) => matrixText(title, matrix)).join('\n'));
  return 0;
}

function parseSource(text: string, option: string): Source {
  const untrained = /^untrained(?::(.*))?$/.exec(text);
  if (untrained) return { kind: 'untrained', seed: untrained[1] === undefined ? DEFAULT_UNTRAINED.seed : parseSeed(untrained[1], option) };
  if (text.endsWith('.onnx')) return { kind: 'model', path: text };
  if (text === '') throw new CliError(`--${option} names a source: FILE.onnx, untrained[:SEED] or a latent store`);
  return { kind: 'latents', location: text };
}

function parseLevels(text: string | undefined, representation: Representation): number[] {
  if (text === undefined || text === 'all') return [...representation.levels];
  const levels = text.split(',').map((part) => Number(part.trim()));
  const missing = levels.find((level) => !representation.levels.includes(level));
  if (missing !== undefined) throw new CliError(`--levels: ${representation.name} has latent levels ${representation.levels.join(', ')}, not '${text}'`);
  return levels;
}

/** Opens what the sources need once: the ERA5 store, latent stores, the model the untrained encoder takes its preset from. */
class SourceContext {
  private dataset: Promise<Era5Dataset> | undefined;
  private readonly stores = new Map<string, Promise<LatentStore>>();

  constructor(
    private readonly values: Values,
    private readonly region: Extract<Region, { kind: 'box' }> | undefined,
  ) {}

  /** The chosen times, resolved against the ERA5 store when a source encodes, else against the first latent store. */
  async times(chosen: ReturnType<typeof parseChosenTimes>, sources: readonly (Source | undefined)[]): Promise<Date[]> {
    if (sources.some((source) => source && source.kind !== 'latents')) return resolveChosenTimes(chosen, await this.era5());
    const store = await this.latentStore((sources[0] as Extract<Source, { kind: 'latents' }>).location);
    if (chosen.selection.kind !== 'list') throw new CliError(`${chosen.option}: a rule picks times of an ERA5 store; list the latent store's times`);
    return chosen.selection.times.map((time) => store.times[store.timeIndex(time)]);
  }

  /** One representation per time; `other` is the other side, whose model gives an untrained encoder its preset. */
  async representations(source: Source, times: readonly Date[], other: Source | undefined): Promise<Representation[]> {
    if (source.kind === 'latents') return Promise.all(times.map((time) => this.storeRepresentation(source.location, time)));
    const model = source.kind === 'model' ? await this.model(source.path) : await this.untrained(source.seed, other);
    const dataset = await this.era5();
    const { inputs } = await encodeStudyTimes(dataset, model, times, this.region);
    return inputs.map((input) => studyTimeRepresentation(model.name, input));
  }

  private async model(path: string): Promise<EncoderModel> {
    const { sidecar, onnx } = await readStudyModel(path);
    return { name: sidecar.name, onnx, config: sidecar.config };
  }

  private async untrained(seed: number, other: Source | undefined): Promise<EncoderModel> {
    let preset: PresetName = DEFAULT_UNTRAINED.preset;
    if (other?.kind === 'model') {
      const { config } = await this.model(other.path);
      const found = presetForEmbedDim(config.embedDim);
      if (!found) throw new CliError(`no Aurora preset has D = ${config.embedDim}; give the untrained side as an ONNX file`);
      preset = found;
    }
    const built = buildUntrainedModel(preset, seed, 'similarity');
    process.stderr.write(`untrained encoder ${built.sidecar.name}\n`);
    return { name: built.sidecar.name, onnx: built.onnx, config: built.sidecar.config };
  }

  private era5(): Promise<Era5Dataset> {
    const store = this.values.store;
    if (store === undefined) throw new CliError('an encoder needs --store, the ERA5 store it runs on');
    this.dataset ??= openStudyDataset({ store, static: this.values.static, layout: this.values.layout });
    return this.dataset;
  }

  private latentStore(location: string): Promise<LatentStore> {
    let store = this.stores.get(location);
    if (!store) {
      store = openReader(location).then((reader) => openLatentStore(reader, location));
      this.stores.set(location, store);
    }
    return store;
  }

  private async storeRepresentation(location: string, time: Date): Promise<Representation> {
    const store = await this.latentStore(location);
    const index = store.timeIndex(time);
    // A region keeps the store's patches whose centres lie in it.
    const kept = this.region ? new Set(selectPatches(store.grid, this.region).indices) : undefined;
    const rows = Int32Array.from(store.patchIndices.keys()).filter((row) => !kept || kept.has(store.patchIndices[row]));
    if (rows.length < 2) throw new CliError(`the latent store ${location} has ${rows.length} patches in --region`);
    const byLevel = new Map<number, Float32Array>();
    for (let level = 0; level < store.latentLevels; level++) {
      const all = await store.read(index, level);
      byLevel.set(level, rows.length === store.patchIndices.length ? all : gather(all, rows, store.embedDim));
    }
    return levelsRepresentation(location, store.times[index], Int32Array.from(rows, (row) => store.patchIndices[row]), byLevel);
  }
}

function gather(data: Float32Array, rows: Int32Array, d: number): Float32Array {
  const out = new Float32Array(rows.length * d);
  rows.forEach((row, k) => out.set(data.subarray(row * d, (row + 1) * d), k * d));
  return out;
}

function describeSource(source: Source, representation?: Representation) {
  switch (source.kind) {
    case 'model':
      return { kind: 'model', path: source.path, name: representation?.name };
    case 'untrained':
      return { kind: 'untrained', seed: source.seed };
    case 'latents':
      return { kind: 'latent store', location: source.location };
  }
}

/** CKA's progress on stderr, as the studies print theirs. */
function scaledPrinter(): (fraction: number, stage: string) => void {
  const print = progressPrinter();
  return (fraction, stage) => print({ stage: 'pca', fraction, message: `CKA: ${stage}` });
}

function matrixJson({ title, matrix }: { title: string; matrix: SimilarityMatrix }) {
  const columns = matrix.columnLabels.length;
  return {
    title,
    patches: matrix.patches,
    rows: matrix.rowLabels,
    columns: matrix.columnLabels,
    cka: matrix.rowLabels.map((_, i) => Array.from(matrix.values.subarray(i * columns, (i + 1) * columns))),
    shuffled_floor: Array.from(matrix.floor),
  };
}

function matrixText(title: string, matrix: SimilarityMatrix): string {
  const columns = matrix.columnLabels.length;
  const width = Math.max(10, ...matrix.columnLabels.map((label) => label.length + 2));
  const head = Math.max(...matrix.rowLabels.map((label) => label.length)) + 2;
  const lines = [
    `Linear CKA: ${title}; ${matrix.patches} patches`,
    '',
    ' '.repeat(head) + matrix.columnLabels.map((label) => label.padStart(width)).join('') + 'shuffled'.padStart(width),
    ...matrix.rowLabels.map(
      (label, i) =>
        label.padEnd(head) +
        Array.from(matrix.values.subarray(i * columns, (i + 1) * columns), (value) => value.toFixed(4).padStart(width)).join('') +
        matrix.floor[i].toFixed(4).padStart(width),
    ),
    '',
    "shuffled: CKA of the row's latents against a copy with every column shuffled (the noise floor)",
  ];
  return lines.join('\n') + '\n';
}
