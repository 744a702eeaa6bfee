// The set-up panel's Data fields as typed, turned into source settings and credentials. A URL's
// user:password@ (Earth Data Hub's https://edh:TOKEN@...) and the Token field go to the tab's memory,
// each for its own server; the settings (and so every link and cache key) hold the URLs without them.
import { originOf, parseStoreAddress, type ServerCredentials, type StoreCredentials } from '../data/address.ts';
import { AURORA_LEVELS } from '../data/batch.ts';
import { LevelsError, StoreAddressError } from '../data/errors.ts';
import { redactUrl } from '../data/redact.ts';
import { parseVariableMapping } from '../data/variables.ts';
import type { SourceSettings, ViewSettings } from '../state/view-settings.ts';

/** The Data fields, as text. */
export interface SourceFields {
  kind: 'era5' | 'latents';
  latents: string;
  latentsEra5: boolean;
  /** The ERA5 store: of every variable, or of the surface ones when `atmosStore` is given. */
  store: string;
  /** Empty: `store` has the pressure levels. */
  atmosStore: string;
  /** Empty: a store above has the static fields, else the product's ERA5 statics. */
  staticStore: string;
  layout: ViewSettings['layout'];
  /** AURORA=NAME items, one a line (or comma-separated). */
  variables: string;
  /** Pressure levels in hPa, comma-separated; empty: every one of Aurora's 13 the store has. */
  pressureLevels: string;
  /** Sent as Authorization: Bearer to the servers of the stores above (not this site); empty: none. */
  token: string;
}

/** The fields that show some settings (the token is never shown back: the settings do not hold it). */
export function fieldsOf(settings: SourceSettings): Omit<SourceFields, 'token'> {
  return {
    kind: settings.latents === null ? 'era5' : 'latents',
    latents: settings.latents ?? '',
    latentsEra5: settings.latentsEra5,
    store: settings.store,
    atmosStore: settings.atmosStore ?? '',
    staticStore: settings.staticStore ?? '',
    layout: settings.layout,
    variables: settings.variables.join('\n'),
    pressureLevels: settings.pressureLevels?.join(', ') ?? '',
  };
}

/**
 * The settings the fields give, and the credentials they hold: a URL's own user:password@ for its server,
 * the Token field for the servers of the other stores given (never for this site, whose files need none).
 * Throws a typed error naming a bad address, mapping or level, before anything is opened.
 */
export function settingsOfFields(fields: SourceFields, pageUrl: string): { settings: SourceSettings; credentials: ServerCredentials } {
  const found: Array<{ origin: string; credentials: StoreCredentials }> = [];
  const origins: string[] = [];
  /** The location of a field (null when empty); `opened`: whether the source reads it (the token goes there). */
  const location = (typed: string, opened = true): string | null => {
    const text = typed.trim();
    if (text === '') return null;
    const address = parseStoreAddress(text, { pageUrl });
    const origin = originOf(address.url);
    if (opened && origin !== null && origin !== originOf(pageUrl)) origins.push(origin);
    // One server, one set of credentials: the first address that gives some.
    if (origin !== null && address.credentials && !found.some((entry) => entry.origin === origin)) found.push({ origin, credentials: address.credentials });
    if (redactUrl(address.url) !== address.url) {
      throw new StoreAddressError(address.typed, 'its query holds a credential (a signature, key or token), which would be put in every link to this view', 'A Zarr store is read key by key: give the token in the Token field instead.');
    }
    // User:password@ is in memory now; the rest as typed (gs://, s3:// and paths on this site stay short).
    return address.credentials ? address.url : text;
  };
  const latents = fields.kind === 'latents' ? location(fields.latents) : null;
  const era5Given = latents === null || fields.latentsEra5;
  const settings: SourceSettings = {
    latents,
    latentsEra5: latents !== null && fields.latentsEra5,
    store: location(fields.store, era5Given) ?? '',
    atmosStore: era5Given ? location(fields.atmosStore) : null,
    staticStore: location(fields.staticStore),
    layout: fields.layout,
    variables: variableItems(fields.variables),
    pressureLevels: pressureLevels(fields.pressureLevels),
  };
  const token = fields.token.trim();
  const credentials = [...found];
  if (token !== '') {
    for (const origin of new Set(origins)) if (!credentials.some((entry) => entry.origin === origin)) credentials.push({ origin, credentials: { kind: 'bearer', token } });
  }
  return { settings, credentials };
}

function variableItems(text: string): string[] {
  const items = text
    .split(/[\n,]/)
    .map((item) => item.trim())
    .filter((item) => item !== '');
  parseVariableMapping(items); // a mistake is named here, before anything is opened
  return items;
}

function pressureLevels(text: string): SourceSettings['pressureLevels'] {
  const parts = text
    .split(/[,\s]+/)
    .map((part) => part.trim())
    .filter((part) => part !== '');
  if (parts.length === 0) return null;
  const levels = parts.map((part) => {
    const level = AURORA_LEVELS.find((known) => String(known) === part.replace(/hpa$/i, ''));
    if (level === undefined) throw new LevelsError(`'${part}' is not one of Aurora's 13 levels (${AURORA_LEVELS.join(', ')} hPa)`);
    return level;
  });
  if (new Set(levels).size !== levels.length) throw new LevelsError('a level is named twice');
  return levels;
}
