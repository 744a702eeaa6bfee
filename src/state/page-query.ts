// The query string the page was opened with: the one place that reads location.search and location.hash
// (permalink.ts turns them into settings). A part that decodeURIComponent cannot decode (a stray '%', as in ?x=1%, or
// bytes that are not UTF-8) has its '%' escaped and the address bar rewritten before anything else
// runs, because code that reads the query at load with decodeURIComponent (tfjs does, for its flags)
// throws on it and blanks the page; the permalink then drops the bad field with a notice. The app's
// bundle runs its shared chunks (tfjs among them) before any of its own code, so index.html runs
// repairPageQuery first, from its source (scripts/vite-page-query-plugin.ts): both functions below
// are self-contained for that reason.

/** The query with every undecodable part's '%' written as '%25'. */
export function decodableQuery(query: string): string {
  // The result is used, so that no bundler drops the call as free of side effects (one did).
  const decodes = (text: string) => {
    try {
      return typeof decodeURIComponent(text) === 'string';
    } catch {
      return false;
    }
  };
  const prefix = query.startsWith('?') ? '?' : '';
  const body = query.slice(prefix.length);
  if (body === '') return query;
  const parts = body.split('&').map((part) =>
    part
      .split('=')
      .map((piece) => (decodes(piece) ? piece : piece.replaceAll('%', '%25')))
      .join('='),
  );
  return prefix + parts.join('&');
}

/** Rewrites the address bar's query with `decodable`'s version of it, when they differ. */
export function repairPageQuery(decodable: (query: string) => string): void {
  if (typeof location === 'undefined' || typeof history === 'undefined') return;
  const query = decodable(location.search);
  if (query !== location.search) history.replaceState(history.state, '', `${location.pathname}${query}${location.hash}`);
}

repairPageQuery(decodableQuery);
const opening = typeof location === 'undefined' ? '' : location.search;
// The fragment holds a link's long fields (permalink.ts); no library reads it, and no server sees it.
const openingHash = typeof location === 'undefined' ? '' : location.hash;

/** The query string the page was opened with (decodable, with its '?'). */
export function openingQuery(): string {
  return opening;
}

/** The fragment the page was opened with (with its '#'). */
export function openingFragment(): string {
  return openingHash;
}

/** Every field of the link the page was opened with, query and fragment (a field in both is the fragment's). */
export function openingLinkFields(): URLSearchParams {
  const fields = new URLSearchParams(opening);
  for (const [name, value] of new URLSearchParams(openingHash.replace(/^#/, ''))) fields.set(name, value);
  return fields;
}
