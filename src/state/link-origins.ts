// Which servers a view would fetch from, and which of them are off this app's site: a link that names a
// store elsewhere makes the reader's browser fetch from there, so the app asks first, naming the host.
// Addresses are resolved exactly as fetch resolves them (data/address.ts), so backslashes, '//', encoded
// forms and whitespace cannot pass another site off as a path on this one.
import { parseStoreAddress } from '../data/address.ts';
import { redactUrl } from '../data/redact.ts';
import type { ViewSettings } from './view-settings.ts';

/** The settings fields that name somewhere to fetch from, with what each is, in words. */
export const FETCHED_FIELDS = {
  store: 'ERA5 store',
  atmosStore: 'atmospheric store',
  staticStore: 'static store',
  latents: 'latent store',
  percentileSource: 'percentile store',
} as const satisfies Partial<Record<keyof ViewSettings, string>>;

export type FetchedField = keyof typeof FETCHED_FIELDS;

export interface OffSiteLocation {
  field: FetchedField;
  /** The server, e.g. "127.0.0.1:8123" or "storage.googleapis.com". */
  host: string;
  /** The URL it would be read from, redacted. */
  url: string;
}

/** The locations of `settings` that lead off the origin of `pageUrl`; one whose address does not parse is left to the opener's error. */
export function offSiteLocations(settings: Pick<ViewSettings, FetchedField>, pageUrl: string): OffSiteLocation[] {
  const site = new URL(pageUrl).origin;
  const found: OffSiteLocation[] = [];
  for (const field of Object.keys(FETCHED_FIELDS) as FetchedField[]) {
    const location = settings[field];
    if (location === null) continue;
    let url: URL;
    try {
      url = new URL(parseStoreAddress(location, { pageUrl }).url);
    } catch {
      continue;
    }
    if (url.origin !== site) found.push({ field, host: url.host, url: redactUrl(url.href) });
  }
  return found;
}

/** The question the app asks before a link fetches from other sites, naming each host once. */
export function offSiteQuestion(locations: readonly OffSiteLocation[]): string {
  const hosts = [...new Set(locations.map((location) => location.host))];
  const what = locations.map((location) => `the ${FETCHED_FIELDS[location.field]} ${location.url}`).join(', ');
  return (
    `This link reads data from ${hosts.length === 1 ? 'another site' : 'other sites'}: ${hosts.join(', ')} (${what}). ` +
    'Opening it sends requests there from your browser, which that server sees (your address, and what you read). Fetch from it?'
  );
}
