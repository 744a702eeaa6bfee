// Which store variable is which of Aurora's. Each variable is looked for, in the store that should
// hold it, under the names the real ERA5 stores give it (WeatherBench2 and ARCO long names, the CDS's
// and Earth Data Hub's cfgrib names, GRIB short names), one variable at a time: a WeatherBench2 store
// that calls 2 m temperature `t2m` is still read. A person may name any variable outright
// (`--var 2t=t2m`); a variable that is not found is reported with the store's closest names.
import { ATMOSPHERIC_VARIABLES, STATIC_VARIABLES, SURFACE_VARIABLES, type AtmosphericVariable, type StaticVariable, type SurfaceVariable } from './batch.ts';
import { VariableMappingError } from './errors.ts';
import { AXIS_NAMES, LAYOUTS, LAYOUT_NAMES, type LayoutName } from './layout.ts';

export type VariableGroup = 'surface' | 'atmos' | 'static';
export type VariableKey = `surface.${SurfaceVariable}` | `atmos.${AtmosphericVariable}` | `static.${StaticVariable}`;

export const VARIABLE_KEYS: readonly VariableKey[] = [
  ...SURFACE_VARIABLES.map((v) => `surface.${v}` as const),
  ...ATMOSPHERIC_VARIABLES.map((v) => `atmos.${v}` as const),
  ...STATIC_VARIABLES.map((v) => `static.${v}` as const),
];

/** Store names for some variables: the store variable to read for each Aurora variable named. */
export type VariableMapping = Partial<Record<VariableKey, string>>;

/** GRIB short names (ecCodes), as some conversions keep them; the layouts hold the other two families. */
const GRIB_SHORT_NAMES: Readonly<Record<VariableKey, string>> = {
  'surface.2t': '2t',
  'surface.10u': '10u',
  'surface.10v': '10v',
  'surface.msl': 'msl',
  'atmos.z': 'z',
  'atmos.u': 'u',
  'atmos.v': 'v',
  'atmos.t': 't',
  'atmos.q': 'q',
  'static.lsm': 'lsm',
  'static.z': 'z',
  'static.slt': 'slt',
};

const DESCRIPTIONS: Readonly<Record<VariableKey, string>> = {
  'surface.2t': '2 m temperature',
  'surface.10u': '10 m eastward wind',
  'surface.10v': '10 m northward wind',
  'surface.msl': 'mean sea-level pressure',
  'atmos.z': 'geopotential on pressure levels',
  'atmos.u': 'eastward wind on pressure levels',
  'atmos.v': 'northward wind on pressure levels',
  'atmos.t': 'temperature on pressure levels',
  'atmos.q': 'specific humidity on pressure levels',
  'static.lsm': 'land-sea mask',
  'static.z': 'surface geopotential (orography)',
  'static.slt': 'soil type',
};

export function variableGroup(key: VariableKey): VariableGroup {
  return key.slice(0, key.indexOf('.')) as VariableGroup;
}

/** Aurora's own name of the variable, e.g. '2t' for 'surface.2t'. */
export function auroraName(key: VariableKey): string {
  return key.slice(key.indexOf('.') + 1);
}

/** The variable in words for messages, e.g. "2 m temperature (2t)". */
export function describeVariable(key: VariableKey): string {
  const group = variableGroup(key);
  const name = auroraName(key);
  return `${DESCRIPTIONS[key]} (${group === 'surface' ? name : `${group}.${name}`})`;
}

/** The names to look for, most likely first: the given layout's name only, or every family's. */
export function candidateNames(key: VariableKey, layout?: LayoutName): string[] {
  const group = variableGroup(key);
  const name = auroraName(key);
  const fromLayout = (layoutName: LayoutName) => (LAYOUTS[layoutName][group] as Record<string, string>)[name];
  if (layout) return [fromLayout(layout)];
  return [...new Set([...LAYOUT_NAMES.map(fromLayout), GRIB_SHORT_NAMES[key]])];
}

/**
 * Reads `AURORA=STORE` items (`2t=t2m`, `atmos.z=geopotential`). The group may be left out where the
 * name says it: only `z` (geopotential on levels, or at the surface) needs `atmos.z` or `static.z`.
 */
export function parseVariableMapping(items: readonly string[]): VariableMapping {
  const mapping: VariableMapping = {};
  for (const item of items) {
    const separator = item.indexOf('=');
    const left = separator < 0 ? item : item.slice(0, separator);
    const right = separator < 0 ? '' : item.slice(separator + 1);
    const key = variableKeyOf(left.trim(), item);
    const name = right.trim();
    if (separator < 0 || name === '') throw new VariableMappingError(item, `write it as AURORA=STORE, e.g. ${auroraName(key)}=${candidateNames(key)[1] ?? candidateNames(key)[0]}`);
    if (mapping[key] !== undefined && mapping[key] !== name) throw new VariableMappingError(item, `${left.trim()} is already mapped to '${mapping[key]}'`);
    mapping[key] = name;
  }
  return mapping;
}

/** The mapping as `AURORA=STORE` items, groups written only where needed: what parseVariableMapping reads. */
export function formatVariableMapping(mapping: VariableMapping): string[] {
  return VARIABLE_KEYS.filter((key) => mapping[key] !== undefined).map((key) => `${shortKey(key)}=${mapping[key]}`);
}

function shortKey(key: VariableKey): string {
  const name = auroraName(key);
  return VARIABLE_KEYS.filter((other) => auroraName(other) === name).length > 1 ? key : name;
}

function variableKeyOf(text: string, item: string): VariableKey {
  const exact = VARIABLE_KEYS.find((key) => key === text);
  if (exact) return exact;
  const named = VARIABLE_KEYS.filter((key) => auroraName(key) === text);
  if (named.length === 1) return named[0];
  if (named.length > 1) throw new VariableMappingError(item, `'${text}' is ambiguous: write ${named.join(' or ')}`);
  throw new VariableMappingError(item, `'${text}' is not one of Aurora's variables (${VARIABLE_KEYS.map(shortKey).join(', ')})`);
}

/**
 * Up to `count` of `names` closest to any of `wanted` by edit distance (case ignored), closest first;
 * none that differ too much, and none that is already another known name (another of Aurora's
 * variables under any family's name, or a coordinate): those are not what a person misspelt.
 */
export function closestNames(wanted: string | readonly string[], names: readonly string[], count = 3): string[] {
  const targets = (typeof wanted === 'string' ? [wanted] : wanted).map((name) => name.toLowerCase());
  const known = new Set([...VARIABLE_KEYS.flatMap((key) => candidateNames(key)), ...Object.values(AXIS_NAMES).flat()].map((name) => name.toLowerCase()));
  const distanceTo = (name: string) => {
    const lower = name.toLowerCase();
    return Math.min(
      ...targets.map((target) => {
        const distance = editDistance(target, lower);
        const contained = lower.length >= 3 && target.length >= 3 && (lower.includes(target) || target.includes(lower));
        return distance <= Math.max(2, Math.floor(target.length / 3)) || contained ? distance : Number.POSITIVE_INFINITY;
      }),
    );
  };
  return names
    .filter((name) => !known.has(name.toLowerCase()) || targets.includes(name.toLowerCase()))
    .map((name) => ({ name, distance: distanceTo(name) }))
    .filter(({ distance }) => Number.isFinite(distance))
    .sort((a, b) => a.distance - b.distance || a.name.localeCompare(b.name))
    .slice(0, count)
    .map(({ name }) => name);
}

/** Levenshtein distance. */
function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length];
}
