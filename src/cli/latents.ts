// The CLI on a latent store (`--latents STORE`, any address the CLI takes): the store opened as a latent
// source (studies/sources.node.ts), what it is said on stderr (its model, size, levels and any doubt
// about its time axis), its times chosen with the one time grammar, its level read, and every output
// naming its source.
import type { OptionSpec } from './args.ts';
import { CliError } from './errors.ts';
import { parseOneTime, parseRegion } from './commands/encode.ts';
import { openStudyDataset } from './commands/study-common.ts';
import { parseChosenTimes, resolveChosenAmong, type ChosenTimes } from './commands/study-compare.ts';
import { TOKEN_VARIABLE, type StoreOptionValues } from './store-options.ts';
import type { Era5Dataset } from '../data/dataset.ts';
import { formatTime } from '../data/errors.ts';
import { cosLatitudeWeight } from '../data/geometry.ts';
import type { FeatureMatrix } from '../probes/matrix.ts';
import { readStudyTimes, type LatentSource, type LatentSourceFacts } from '../studies/latent-source.ts';
import { openLatentStoreSource } from '../studies/sources.node.ts';
import type { StudyName } from '../studies/split.ts';
import { levelMatrix, type StudyTime } from '../studies/study-time.ts';

/** `--latents STORE`, one option for every command that reads a latent store (study, its sweep, pca, probe). */
export const LATENTS_OPTION = { latents: { type: 'string' } } as const satisfies OptionSpec;

/** The options of `pca` and `probe` that pick one time's latents at one level of a latent store. */
export const LATENT_FEATURE_OPTIONS = {
  ...LATENTS_OPTION,
  time: { type: 'string' },
  level: { type: 'string' },
  region: { type: 'string' },
  token: { type: 'string' },
} as const satisfies OptionSpec;

/** `--level surface|1|2|3`: 0 the surface, k the k-th atmospheric latent level. */
export function parseLatentLevel(text: string | undefined, fallback: number): number {
  if (text === undefined) return fallback;
  if (text.trim().toLowerCase() === 'surface') return 0;
  const level = Number(text);
  if (!(text.trim() !== '' && Number.isInteger(level) && level >= 0)) throw new CliError(`--level takes surface (or 0) or an atmospheric latent level 1, 2, 3, ...; got '${text}'`);
  return level;
}

export interface LatentStoreOptions {
  /** A static store whose land-sea mask labels the patches (default: the ERA5 store's, else the shipped ERA5 0.25-degree mask). */
  staticStore?: string;
  /** ERA5 beside the latents: its inputs over the same patches (study 2's 2 m temperature). */
  era5?: Era5Dataset;
  /** A token for an http(s) store (--token or the environment's), never printed. */
  token?: string;
}

/** The latent store at `location` as a source, with what it is printed on stderr. */
export async function openCliLatentSource(location: string, options: LatentStoreOptions = {}): Promise<LatentSource> {
  const source = await openLatentStoreSource(location, options);
  const { facts, times } = source;
  const span = times.length === 0 ? 'no times' : `${times.length} time(s), ${formatTime(times[0])} .. ${formatTime(times[times.length - 1])}`;
  process.stderr.write(
    `${facts.name}: ${span}, D ${facts.embedDim}, latent levels 0 (surface) .. ${facts.levelCount - 1}` +
      (facts.model ? `; model ${facts.model.name}` : '; the store does not name its model') +
      '\n',
  );
  for (const notice of source.timeNotices) process.stderr.write(`warning: ${facts.name}: ${notice}; its times are shown as they are\n`);
  return source;
}

/** What studies 2 and 3 read from ERA5 that latents do not hold. */
const NEEDS_ERA5: Readonly<Record<StudyName, string | undefined>> = {
  'land-sea': undefined,
  extremes: 'study 2 labels its patches by 2 m temperature',
  'k-index': "study 3 labels its patches by the K-index of ERA5's temperature and humidity on its levels",
};

/** Whether an ERA5 store is given beside the latents; a CliError when `study` needs one and none is. */
export function requireEra5Beside(study: StudyName, stores: StoreOptionValues): boolean {
  const given = (stores['surface-store'] ?? stores.store ?? '') !== '';
  const needs = NEEDS_ERA5[study];
  if (needs !== undefined && !given) {
    throw new CliError(`the ${study} study over a latent store needs ERA5 beside the latents (${needs}, which latents do not hold): give an ERA5 store beside them with --store (either layout)`);
  }
  return given;
}

/**
 * The latent store of --latents as a source for `study` (a plain run or a sweep), with the ERA5 store of
 * the store options beside it when one is given: studies 2 and 3 label from it, and the land-sea mask
 * then comes from its static fields (else --static's, else the shipped ERA5 mask).
 */
export async function openStudyLatents(latents: string, stores: StoreOptionValues, study: StudyName): Promise<LatentSource> {
  const era5 = requireEra5Beside(study, stores) ? await openStudyDataset(stores) : undefined;
  return openCliLatentSource(latents, { staticStore: era5 ? undefined : stores.static, era5, token: stores.token ?? process.env[TOKEN_VARIABLE] });
}

/** The times chosen by --time T (one) or --times RULE among the source's; `fallback` when neither is given. */
export function chooseSourceTimes(source: LatentSource, values: { time?: string; times?: string }, fallback?: () => Date[]): Date[] {
  if (values.time !== undefined && values.times !== undefined) throw new CliError('give --time or --times, not both');
  if (values.time === undefined && values.times === undefined) {
    if (fallback) return fallback();
    if (source.times.length === 1) return [...source.times];
    throw new CliError(`${source.facts.name} has ${source.times.length} times: choose one with --time T, or several with --times RULE (e.g. every:1)`);
  }
  const chosen: ChosenTimes =
    values.time !== undefined ? { option: '--time', selection: { kind: 'list', times: [parseOneTime(values.time, '--time')] } } : parseChosenTimes('--times', values.times ?? '');
  return resolveChosenAmong(chosen, source.times);
}

/** What every JSON output says of its source. */
export function sourceJson(facts: LatentSourceFacts) {
  return {
    kind: facts.kind,
    name: facts.name,
    model: facts.model,
    attributes: Object.fromEntries(facts.attributes.map(({ name, value }) => [name, value])),
  };
}

/** What every text output says of its source, first. An encoder's name already names its model. */
export function sourceLine(facts: LatentSourceFacts): string {
  if (facts.kind === 'encoder') return `Source: ${facts.name}\n`;
  const model = facts.model ? `${facts.model.name}${facts.model.trained === false ? ' (UNTRAINED)' : ''}` : 'not named by the store';
  return `Source: ${facts.name} (model ${model})\n`;
}

/** The options of `pca` and `probe` that read their features from a latent store. */
export interface LatentFeatureOptions {
  latents?: string;
  time?: string;
  level?: string;
  region?: string;
  static?: string;
  token?: string;
  'area-weights'?: boolean;
}

export interface LatentFeatures {
  /** One row per patch, row-major from the north-west. */
  features: FeatureMatrix;
  studyTime: StudyTime;
  level: number;
  /** cos(latitude) per row, when asked for. */
  areaWeights: Float64Array | undefined;
  /** What the output says of where its rows came from. */
  json: { source: ReturnType<typeof sourceJson>; time: string; level: number; patches: number };
  line: string;
}

/** One time's latents at one level of the latent store of --latents, as the rows of `pca` or `probe`. */
export async function readLatentFeatures(values: LatentFeatureOptions): Promise<LatentFeatures> {
  const source = await openCliLatentSource(values.latents ?? '', { staticStore: values.static, token: values.token ?? process.env[TOKEN_VARIABLE] });
  try {
    const [time] = chooseSourceTimes(source, { time: values.time });
    const level = parseLatentLevel(values.level, 0);
    const [studyTime] = await readStudyTimes(source, [time], { levels: [level], region: parseRegion(values.region) });
    const features = levelMatrix(studyTime, level);
    const { centreLat } = studyTime.patches;
    return {
      features,
      studyTime,
      level,
      areaWeights: values['area-weights'] ? Float64Array.from(centreLat, cosLatitudeWeight) : undefined,
      json: { source: sourceJson(source.facts), time: time.toISOString(), level, patches: features.rows },
      line: `${sourceLine(source.facts)}Time ${formatTime(time)}, latent level ${level === 0 ? '0 (surface)' : level}, ${features.rows} patches\n`,
    };
  } finally {
    await source.release();
  }
}
