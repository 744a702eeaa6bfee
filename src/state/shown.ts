// What the views show against what the set-up says. A run's result is drawn with the set-up it was run
// with; the set-up can change afterwards (a new date or level picked, a run that failed or was
// cancelled), and until the next run the views, the link and the exports keep describing what is
// shown, while a banner says what Run would show instead.
import { describeSplit } from '../studies/split.ts';
import { levelName } from '../studies/sweep-table.ts';
import type { StudyName } from '../studies/split.ts';
import type { ViewSettings } from './view-settings.ts';

/**
 * The set-up: every field a run's result depends on. The others (colours, axes, selection, cameras,
 * the Compare and Sweep panels' own settings) are how the result is looked at, and apply at once.
 */
export const SETUP_FIELDS = [
  'store',
  'atmosStore',
  'staticStore',
  'layout',
  'variables',
  'pressureLevels',
  'latents',
  'latentsEra5',
  'modelId',
  'modelHash',
  'time',
  'level',
  'study',
  'split',
  'areaWeights',
  'extremesTimes',
  'percentileSource',
  'region',
  'extremesSplit',
  'kIndexTimes',
  'kIndexThresholds',
  'kIndexSplit',
] as const satisfies ReadonlyArray<keyof ViewSettings>;

export type SetupField = (typeof SETUP_FIELDS)[number];

/** The set-up fields each study's result depends on (the other study's are left alone). */
const STUDY_FIELDS: Record<StudyName, ReadonlySet<SetupField>> = {
  'land-sea': new Set(['store', 'atmosStore', 'staticStore', 'layout', 'variables', 'pressureLevels', 'latents', 'latentsEra5', 'modelId', 'modelHash', 'time', 'level', 'study', 'split', 'areaWeights']),
  extremes: new Set(['store', 'atmosStore', 'staticStore', 'layout', 'variables', 'pressureLevels', 'latents', 'latentsEra5', 'modelId', 'modelHash', 'level', 'study', 'extremesTimes', 'percentileSource', 'region', 'extremesSplit']),
  // Study 3's times are the date above when none are listed.
  'k-index': new Set(['store', 'atmosStore', 'staticStore', 'layout', 'variables', 'pressureLevels', 'latents', 'latentsEra5', 'modelId', 'modelHash', 'time', 'level', 'study', 'kIndexTimes', 'kIndexThresholds', 'kIndexSplit']),
};

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/** The set-up fields where `current` differs from `shown` (the settings of the run on screen), for the shown study. */
export function setupChanges(current: ViewSettings, shown: ViewSettings): SetupField[] {
  const fields = STUDY_FIELDS[shown.study];
  return SETUP_FIELDS.filter((field) => fields.has(field) && !same(current[field], shown[field]));
}

/** The settings a link (and the address bar) describes: the shown run's set-up with the current ways of looking at it. */
export function linkedSettings(current: ViewSettings, shown: ViewSettings | null): ViewSettings {
  if (!shown || shown.study !== current.study) return current;
  const linked: Record<string, unknown> = { ...current };
  for (const field of STUDY_FIELDS[shown.study]) linked[field] = shown[field];
  return linked as ViewSettings;
}

const STUDY_TITLES: Record<StudyName, string> = { 'land-sea': 'land and sea', extremes: 'extreme 2 m temperature', 'k-index': 'K-index' };

/** A time as a person reads it: 2022-08-07 06:00. */
export function shortTime(iso: string): string {
  return iso.replace('T', ' ').slice(0, 16);
}

function modelName(settings: ViewSettings): string {
  const name = settings.modelId?.replace(/\.onnx$/, '') ?? 'no model';
  return settings.modelHash ? `${name} (sha256 ${settings.modelHash.slice(0, 12)}…)` : name;
}

/** One set-up field in words, as the banner names it. */
export function describeSetupField(settings: ViewSettings, field: SetupField): string {
  switch (field) {
    case 'time':
      return settings.time ? shortTime(settings.time) : 'no date';
    case 'level':
      return levelName(settings.level);
    case 'modelId':
    case 'modelHash':
      return `model ${modelName(settings)}`;
    case 'store':
      return `ERA5 store ${settings.store}`;
    case 'atmosStore':
      return settings.atmosStore ? `atmospheric store ${settings.atmosStore}` : 'no separate atmospheric store';
    case 'variables':
      return settings.variables.length > 0 ? `variables ${settings.variables.join(', ')}` : 'variables by their usual names';
    case 'pressureLevels':
      return settings.pressureLevels ? `pressure levels ${settings.pressureLevels.join(', ')} hPa` : "every one of Aurora's levels the store has";
    case 'staticStore':
      return settings.staticStore ? `static store ${settings.staticStore}` : 'no separate static store';
    case 'layout':
      return `${settings.layout === 'auto' ? 'detected' : settings.layout} layout`;
    case 'latents':
      return settings.latents ? `latent store ${settings.latents}` : 'ERA5 encoded by the model';
    case 'latentsEra5':
      return settings.latentsEra5 ? 'with ERA5 beside the latents' : 'without ERA5 beside the latents';
    case 'study':
      return `${STUDY_TITLES[settings.study]} study`;
    case 'split':
      return describeSplit(settings.split);
    case 'areaWeights':
      return settings.areaWeights ? 'area-weighted' : 'equal weights';
    case 'extremesTimes':
      return settings.extremesTimes ? `${settings.extremesTimes.length} times` : "the study's heatwave times";
    case 'percentileSource':
      return settings.percentileSource ? `percentiles from ${settings.percentileSource}` : 'percentiles beside the store';
    case 'region':
      return `region ${settings.region.south}..${settings.region.north}° N, ${settings.region.west}..${settings.region.east}° E`;
    case 'extremesSplit':
      return describeSplit(settings.extremesSplit);
    case 'kIndexTimes':
      return settings.kIndexTimes ? `${settings.kIndexTimes.length} times` : settings.time ? shortTime(settings.time) : 'no date';
    case 'kIndexThresholds':
      return `K > ${settings.kIndexThresholds.join(', ')} °C`;
    case 'kIndexSplit':
      return describeSplit(settings.kIndexSplit);
  }
}

/** Where the latents came from: the model, or the latent store. */
function sourceOf(settings: ViewSettings): string {
  return settings.latents ? `latent store ${settings.latents}` : modelName(settings);
}

/** The field that says when a study's result is of: a date, or its times. */
const WHEN_FIELD: Record<StudyName, SetupField> = { 'land-sea': 'time', extremes: 'extremesTimes', 'k-index': 'kIndexTimes' };

/** What the views show, for their caption and the exports: study, date (or times), level and source. */
export function describeShown(shown: ViewSettings): string {
  const when = describeSetupField(shown, WHEN_FIELD[shown.study]);
  return `${STUDY_TITLES[shown.study]} · ${when} · ${levelName(shown.level)} · ${sourceOf(shown)}`;
}

/**
 * The banner over views whose set-up has changed since they were run: "Showing 2022-08-07 06:00,
 * surface; Run to see 2022-08-08 06:00", or "…; running 2022-08-08 06:00" while a run of the current
 * set-up is in flight (`running`, its set-up). Null when the set-up is what is shown.
 */
export function describeChanges(current: ViewSettings, shown: ViewSettings, running: ViewSettings | null = null): string | null {
  const changes = setupChanges(current, shown);
  if (changes.length === 0) return null;
  // The time and level always name what is shown; a changed model is named once, not for its hash too.
  const context: SetupField[] = [WHEN_FIELD[shown.study], 'level'];
  const named = changes.filter((field) => !(field === 'modelHash' && changes.includes('modelId')));
  const showing = [...new Set([...context, ...named])].map((field) => describeSetupField(shown, field));
  const next = named.map((field) => describeSetupField(current, field));
  // The run's set-up carries the hash of the weights it loaded; the current one may not know it yet.
  const coming = running !== null && setupChanges(current, running).every((field) => field === 'modelHash');
  return `Showing ${showing.join(', ')}; ${coming ? 'running' : 'Run to see'} ${next.join(', ')}`;
}
