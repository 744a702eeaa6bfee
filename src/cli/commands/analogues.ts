// `latent-explorer analogues`: "where else, and when else, does the encoder see weather like this?"
// The query is a box or a list of patches at one time; every patch of the times chosen is scored
// against it at one latent level (studies/analogues.ts, on the AnalogueIndex the app's probes worker
// searches), from a latent store (--latents) or ERA5 encoded by a model (--store, --model).
import { parseNumber, parseNumberList, parseOptions } from '../args.ts';
import { CliError } from '../errors.ts';
import { chooseSourceTimes, LATENTS_OPTION, openCliLatentSource, parseLatentLevel, sourceJson, sourceLine } from '../latents.ts';
import { STORE_OPTIONS, STORE_USAGE, TOKEN_VARIABLE } from '../store-options.ts';
import { parseRegion } from './encode.ts';
import { openStudyDataset, progressPrinter, readStudyModel } from './study-common.ts';
import { DEFAULT_MODEL } from './study.ts';
import { formatTime } from '../../data/errors.ts';
import { initNodeProbeBackend } from '../../probes/backend.node.ts';
import { ANALOGUE_METRICS, ANALOGUE_MODES } from '../../probes/analogue-kinds.ts';
import { searchStudyAnalogues, type AnalogueSelection, type StudyAnalogues } from '../../studies/analogues.ts';
import { readStudyTimes, type LatentSource } from '../../studies/latent-source.ts';
import { nodeEncoderSource } from '../../studies/sources.node.ts';

export const summary = 'Analogue search: the patches of the chosen times whose latents are most like a box or a list of patches';

const DEFAULT_TOP = 20;

export const usage = `Usage:
  latent-explorer analogues (--box S,N,W,E | --patches P,...) [--query-time T]
                            (--latents STORE | --store ERA5 [--model M.onnx])
                            (--time T | --times RULE) [--level surface|1|2|3] [--mode mean|any]
                            [--metric cosine|euclidean] [--top ${DEFAULT_TOP}] [--region S,N,W,E] [--json | --csv]

The query is the selection's mean latent (--mode mean, default) or each selected patch (--mode any: a
patch scores against the closest of them), at the query's time and the latent level. Every patch of
every chosen time is scored against it, by cosine similarity (default; higher is closer) or Euclidean
distance (lower is closer), the same search the app runs; the best --top are listed, the selected
patches at the query's time left out.

  --box S,N,W,E    the query: the patches whose centres lie in the box (longitudes either convention;
                   W > E crosses 0 degrees)
  --patches P,...  the query: patches by their global index (row-major from the north-west of the
                   full grid), as the output's 'patch' column names them
  --query-time T   the time of the query (default the first time chosen); one of the chosen times
  --latents STORE  a latent store (local path, http(s), gs://, s3://) in the study's layout
  --store ERA5     or ERA5, encoded by --model (default ${DEFAULT_MODEL}) at each time
  --time, --times  the times searched: one ISO time, or a list or rule (every:K, FROM..TO,
                   every:K:FROM..TO) as 'study --times' takes them
  --level          surface (default, 0) or an atmospheric latent level 1, 2, 3
  --mode           mean (default) or any ("nearest to any selected"; at most 2048 selected patches)
  --metric         cosine (default) or euclidean
  --top K          how many matches (default ${DEFAULT_TOP})
  --region S,N,W,E only the patches whose centres lie in the box are read and searched
  --json           print JSON: the source, level, mode, metric, query (time and patches), the times
                   searched and the matches, best first, each with time, patch, lat, lon, score
  --csv            one CSV row per match: rank,time,patch,lat,lon,score
  Patch centres are printed in degrees, longitudes in [0, 360).
ERA5 store options (with --store):
${STORE_USAGE}`;

const OPTIONS = {
  ...STORE_OPTIONS,
  ...LATENTS_OPTION,
  model: { type: 'string' },
  box: { type: 'string' },
  patches: { type: 'string' },
  'query-time': { type: 'string' },
  time: { type: 'string' },
  times: { type: 'string' },
  level: { type: 'string' },
  mode: { type: 'string' },
  metric: { type: 'string' },
  top: { type: 'string' },
  region: { type: 'string' },
  json: { type: 'boolean' },
  csv: { type: 'boolean' },
} as const;

type Values = ReturnType<typeof parseOptions<typeof OPTIONS>>['values'];

export async function run(args: string[]): Promise<number> {
  const { values, positionals } = parseOptions(args, OPTIONS);
  if (positionals.length > 0) throw new CliError(`unexpected argument '${positionals[0]}'`);
  if (values.json && values.csv) throw new CliError('give --json or --csv, not both');
  const selection = parseSelection(values);
  const mode = oneOf(values.mode ?? 'mean', ANALOGUE_MODES, 'mode');
  const metric = oneOf(values.metric ?? 'cosine', ANALOGUE_METRICS, 'metric');
  const count = parseTop(values.top);
  const level = parseLatentLevel(values.level, 0);
  const region = parseRegion(values.region);
  await initNodeProbeBackend();
  const source = await openSource(values);
  try {
    // In time order (a time listed twice is kept once, with a notice, by the time grammar).
    const times = [...chooseSourceTimes(source, values)].sort((a, b) => a.getTime() - b.getTime());
    const queryTime = queryTimeIndex(values['query-time'], times, source);
    const read = await readStudyTimes(source, times, { levels: [level], region, onProgress: progressPrinter() });
    const found = await searchStudyAnalogues(read, { queryTime, selection, level, mode, metric, count });
    const matches = found.matches.map((match) => ({ time: match.time.toISOString(), patch: match.patch, lat: match.lat, lon: match.lon, score: match.score }));
    if (values.json) {
      const query = { time: found.queryTime.toISOString(), patches: Array.from(found.queryPatches), ...(selection.kind === 'box' ? { box: selection.box } : {}) };
      const output = { source: sourceJson(source.facts), level, mode, metric, query, times: times.map((time) => time.toISOString()), backend_agreed: found.backendAgreed, matches };
      process.stdout.write(JSON.stringify(output) + '\n');
    } else if (values.csv) {
      const rows = matches.map((match, k) => [k + 1, match.time, match.patch, match.lat, match.lon, match.score].join(','));
      process.stdout.write(['rank,time,patch,lat,lon,score', ...rows].join('\n') + '\n');
    } else process.stdout.write(sourceLine(source.facts) + analoguesText(found, times.length));
  } finally {
    await source.release();
  }
  return 0;
}

function parseSelection(values: Values): AnalogueSelection {
  if ((values.box === undefined) === (values.patches === undefined)) throw new CliError('give the query: --box S,N,W,E or --patches P,... (one of them)');
  const box = parseRegion(values.box, 'box');
  if (box) return { kind: 'box', box: { south: box.south, north: box.north, west: box.west, east: box.east } };
  const patches = parseNumberList(values.patches ?? '', 'patches');
  const bad = patches.find((patch) => !(Number.isInteger(patch) && patch >= 0));
  if (bad !== undefined) throw new CliError(`--patches takes patch indices (whole numbers >= 0), got '${bad}'`);
  return { kind: 'patches', patches };
}

function oneOf<T extends string>(text: string, allowed: readonly T[], option: string): T {
  const found = allowed.find((name) => name === text);
  if (found === undefined) throw new CliError(`--${option} takes ${allowed.join(' or ')}, got '${text}'`);
  return found;
}

function parseTop(text: string | undefined): number {
  if (text === undefined) return DEFAULT_TOP;
  const top = parseNumber(text, 'top');
  if (!(Number.isInteger(top) && top >= 1)) throw new CliError(`--top takes a whole number of matches >= 1, got '${text}'`);
  return top;
}

/** The latent store of --latents, or ERA5 of --store encoded by --model. */
async function openSource(values: Values): Promise<LatentSource> {
  if (values.latents !== undefined) {
    if (values.model !== undefined) throw new CliError('--model encodes --store: leave it out with --latents, whose latents are read');
    return openCliLatentSource(values.latents, { staticStore: values.static, token: values.token ?? process.env[TOKEN_VARIABLE] });
  }
  if (values.store === undefined && values['surface-store'] === undefined) throw new CliError('give the latents: --latents STORE, or --store ERA5 with --model to encode it');
  const model = await readStudyModel(values.model ?? DEFAULT_MODEL);
  const dataset = await openStudyDataset(values);
  return nodeEncoderSource(dataset, { onnx: model.onnx, name: model.sidecar.name, trained: model.sidecar.trained, config: model.sidecar.config }, (reason) =>
    process.stderr.write(`onnxruntime-node unavailable (${reason}); using WASM\n`),
  );
}

/** Where --query-time is among the chosen times (the first when not given). */
function queryTimeIndex(text: string | undefined, times: readonly Date[], source: LatentSource): number {
  if (text === undefined) return 0;
  const [asked] = chooseSourceTimes(source, { time: text });
  const index = times.findIndex((time) => time.getTime() === asked.getTime());
  if (index < 0) throw new CliError(`--query-time ${formatTime(asked)} is not one of the times searched (${times.map(formatTime).join(', ')}): add it to --times`);
  return index;
}

function analoguesText(found: StudyAnalogues, timeCount: number): string {
  const scoreName = found.metric === 'cosine' ? 'cosine' : 'distance';
  const query = `${found.mode === 'mean' ? 'the mean latent of' : 'the nearest of'} ${found.queryPatches.length} patch${found.queryPatches.length === 1 ? '' : 'es'} at ${formatTime(found.queryTime)}`;
  const lines = [
    `Analogues of ${query}, latent level ${found.level === 0 ? '0 (surface)' : found.level}, across ${timeCount} time(s), by ${found.metric === 'cosine' ? 'cosine similarity' : 'Euclidean distance'}; the selection left out`,
    ...(found.backendAgreed ? [] : ["note: the backend's scores disagreed with exact ones; every score was recomputed on the CPU"]),
    '',
    `${'rank'.padStart(4)}  ${'time'.padEnd(16)}  ${'patch'.padStart(7)}  ${'lat'.padStart(7)}  ${'lon'.padStart(7)}  ${scoreName.padStart(9)}`,
    ...found.matches.map(
      (match, k) =>
        `${String(k + 1).padStart(4)}  ${match.time.toISOString().slice(0, 16).replace('T', ' ')}  ${String(match.patch).padStart(7)}  ${match.lat.toFixed(3).padStart(7)}  ${match.lon.toFixed(3).padStart(7)}  ${(found.metric === 'cosine' ? match.score.toFixed(4) : match.score.toPrecision(5)).padStart(9)}`,
    ),
  ];
  return lines.join('\n') + '\n';
}
