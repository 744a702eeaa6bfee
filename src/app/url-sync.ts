// state ⇄ URL: the address is derived from the settings, and parsed back through the same schema. It
// describes what the views show (state/shown.ts): a set-up changed since the run waits for Run before
// it enters the address or a copied link. Long fields (a selection) go in the fragment, which servers
// never see (permalink.ts).
import { openingFragment, openingQuery } from '../state/page-query.ts';
import { linkAddress, linkToSettings, settingsToLink } from '../state/permalink.ts';
import { linkedSettings } from '../state/shown.ts';
import { useExplorer, type ExplorerState } from '../state/store.ts';

/** The settings the address and a copied link carry now. */
function linkedNow(state: Pick<ExplorerState, 'settings' | 'shown'>) {
  return linkedSettings(state.settings, state.shown[state.settings.study] ?? null);
}

/** Applies the page's permalink (with notices for what was dropped), then keeps the URL in step. */
export function startUrlSync(): () => void {
  const { settings, notices } = linkToSettings({ query: openingQuery(), fragment: openingFragment() });
  const store = useExplorer.getState();
  store.replaceSettings(settings);
  // One notice for the whole link, however many of its fields were bad.
  for (const notice of notices) store.notify('warning', 'Part of the link was ignored', notice, { topic: 'link' });

  let written = `${window.location.search}${window.location.hash}`;
  return useExplorer.subscribe((state, previous) => {
    if (state.settings === previous.settings && state.shown === previous.shown) return;
    const address = linkAddress('', settingsToLink(linkedNow(state)));
    if (address === written) return;
    written = address;
    window.history.replaceState(null, '', `${window.location.pathname}${address}`);
  });
}

/** The link to what the views show, as "Copy link" gives it. */
export function permalink(): string {
  return linkAddress(`${window.location.origin}${window.location.pathname}`, settingsToLink(linkedNow(useExplorer.getState())));
}
