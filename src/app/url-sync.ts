// state ⇄ URL: the query string is derived from the settings, and parsed back through the same schema.
import { openingQuery } from '../state/page-query.ts';
import { queryToSettings, settingsToQuery } from '../state/permalink.ts';
import { useExplorer } from '../state/store.ts';

/** Applies the page's permalink (with notices for what was dropped), then keeps the URL in step. */
export function startUrlSync(): () => void {
  const { settings, notices } = queryToSettings(openingQuery());
  const store = useExplorer.getState();
  store.replaceSettings(settings);
  // One notice for the whole link, however many of its fields were bad.
  for (const notice of notices) store.notify('warning', 'Part of the link was ignored', notice, { topic: 'link' });

  let written = openingQuery();
  return useExplorer.subscribe((state, previous) => {
    if (state.settings === previous.settings) return;
    const query = settingsToQuery(state.settings);
    const search = query ? `?${query}` : '';
    if (search === written) return;
    written = search;
    window.history.replaceState(null, '', `${window.location.pathname}${search}`);
  });
}

export function permalink(): string {
  const query = settingsToQuery(useExplorer.getState().settings);
  return `${window.location.origin}${window.location.pathname}${query ? `?${query}` : ''}`;
}
