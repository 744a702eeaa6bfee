// The Analogues section of study 1's results: "where else does the encoder see weather like this?".
// The query is the selection (brushed on the scatter or drawn on the globe); while the search is on,
// it follows the selection, colours both views by similarity and lists the best matches, a click on
// one opening the inspector: at another time, that time's run opens (from the latent cache) and the
// search stays that of the query's time. The mode and metric go into the link, with the selection.
import { useEffect, useMemo, useState } from 'react';
import { parseTimeSelection } from '../../data/time-selection.ts';
import { describeError } from '../../describe-error.ts';
import { isCancelled } from '../../errors.ts';
import { ANALOGUE_METRICS, ANALOGUE_MODES, type AnalogueMetric, type AnalogueMode } from '../../probes/analogue-kinds.ts';
import type { ExplorerResult } from '../../state/result.ts';
import { useExplorer } from '../../state/store.ts';
import { AnalogueList } from '../../views/index.ts';
import {
  analogueItems,
  carriedRunIndex,
  describeQuery,
  MAX_ANALOGUE_TIMES,
  openedMatch,
  searchedTimeIndex,
  searchSignature,
  selectedRows,
  withQueryAt,
  type FindAnalogues,
} from './analogues-in-app.ts';
import { useAnalogues } from './analogues-store.ts';
import { isoTime } from '../store-summary.ts';

const MODE_TITLES: Record<AnalogueMode, string> = { mean: 'Mean of the selection', any: 'Nearest to any selected' };
const METRIC_TITLES: Record<AnalogueMetric, string> = { cosine: 'Cosine', euclidean: 'Euclidean' };

/** Opens a time of the store (ISO) in a run of the shown set-up, with the inspector on a patch. */
export type OpenAnalogueMatch = (time: string, patch: number) => void;

export function AnaloguesSection({ result, find, openMatch }: { result: ExplorerResult; find: FindAnalogues; openMatch: OpenAnalogueMatch }) {
  const analogues = useExplorer((state) => state.settings.analogues);
  const selection = useExplorer((state) => state.selectionMask);
  const selectedPatch = useExplorer((state) => state.settings.selectedPatch);
  const updateSettings = useExplorer((state) => state.updateSettings);
  const { found, shownTime, running, error, queryRows, resultKey, signature, set } = useAnalogues();
  const rows = useMemo(() => selectedRows(selection.length === result.table.count ? selection : new Uint8Array(0)), [selection, result]);

  // The search follows the run, the selection, the mode and the metric while it is on.
  useEffect(() => {
    if (!analogues || rows.length === 0) {
      set({ found: null, resultKey: null, signature: null, opening: null, running: false, error: null, queryRows: 0 });
      return;
    }
    const search = { features: result.featuresKey, rows, mode: analogues.mode, metric: analogues.metric, times: analogues.times, at: analogues.at };
    const asked = searchSignature(search, result.time);
    const now = useAnalogues.getState();
    // The same search of the same run is on screen (the panel shown again): nothing to redo.
    if (now.found && now.resultKey === result.key && now.signature === asked) return;
    // The run a match at another time opened: the search, its query at its own time, carries over as it
    // is, and the link names the query's time (a link reopened searches the same query).
    if (now.opening) {
      const { queryAt } = now.opening;
      const carriedAsked = searchSignature({ ...search, at: search.at ?? queryAt }, result.time);
      const carried = carriedRunIndex(now.opening, result, carriedAsked);
      if (carried !== null) {
        set({ found: now.opening.found, resultKey: result.key, signature: carriedAsked, opening: null, running: false, error: null, queryRows: rows.length, shownTime: carried });
        const at = new Date(queryAt).getTime() === new Date(result.time).getTime() ? undefined : queryAt;
        if (at !== analogues.at) updateSettings({ analogues: withQueryAt(analogues, at) });
        return;
      }
    }
    const controller = new AbortController();
    set({ running: true, error: null, opening: null });
    find(result, search, controller.signal)
      .then((answer) => set({ found: answer, resultKey: result.key, signature: asked, queryRows: rows.length, running: false, shownTime: 0 }))
      .catch((caught: unknown) => {
        if (!isCancelled(caught)) set({ running: false, error: describeError(caught), found: null, resultKey: null });
      });
    return () => controller.abort();
  }, [analogues, rows, result, find, set, updateSettings]);

  const shownFound = found && resultKey === result.key ? found : null;
  const shown = shownFound?.search ?? null;
  const items = useMemo(() => (shownFound ? analogueItems(result, shownFound) : []), [shownFound, result]);
  // The run's time among those searched: the searched run's (0), or the one a match opened.
  const runIndex = shownFound ? searchedTimeIndex(shownFound, result.time) : 0;
  const [draft, setDraft] = useState<NonNullable<typeof analogues>>({ mode: 'mean', metric: 'cosine' });
  const settings = analogues ?? draft;
  const commitTimes = (text: string) => {
    const times = text.trim() === '' ? undefined : text.trim();
    if (times === settings.times) return;
    try {
      if (times !== undefined) parseTimeSelection(times);
    } catch (caught) {
      useExplorer.getState().notify('error', 'Analogue times', describeError(caught));
      return;
    }
    // Only a search that is on follows the new times; otherwise they wait for "Find analogues".
    if (analogues) updateSettings({ analogues: { ...analogues, times } });
    else setDraft({ ...draft, times });
  };

  return (
    <section className="panel-section" aria-label="Analogue search">
      <h2>Analogues</h2>
      <div className="field-row">
        <label className="field">
          <span>Query</span>
          <select aria-label="Analogue query" value={settings.mode} onChange={(event) => updateSettings({ analogues: { ...settings, mode: event.target.value as AnalogueMode } })}>
            {ANALOGUE_MODES.map((mode) => (
              <option key={mode} value={mode}>
                {MODE_TITLES[mode]}
              </option>
            ))}
          </select>
        </label>
        <label className="field">
          <span>Metric</span>
          <select aria-label="Analogue metric" value={settings.metric} onChange={(event) => updateSettings({ analogues: { ...settings, metric: event.target.value as AnalogueMetric } })}>
            {ANALOGUE_METRICS.map((metric) => (
              <option key={metric} value={metric}>
                {METRIC_TITLES[metric]}
              </option>
            ))}
          </select>
        </label>
      </div>
      <div className="field-row">
        <label className="field">
          <span>Other times</span>
          <input
            key={settings.times ?? ''}
            aria-label="Other times to search for analogues"
            defaultValue={settings.times ?? ''}
            placeholder="the run's only; e.g. every:1"
            title={`The store's times to search besides the run's (at most ${MAX_ANALOGUE_TIMES} in all): a list of ISO times, every:K, FROM..TO or every:K:FROM..TO`}
            onBlur={(event) => commitTimes(event.currentTarget.value)}
            onKeyDown={(event) => {
              if (event.key === 'Enter') commitTimes(event.currentTarget.value);
            }}
          />
        </label>
      </div>
      <div className="field-row">
        {analogues ? (
          <button type="button" onClick={() => updateSettings({ analogues: null })}>
            Stop the search
          </button>
        ) : (
          <button type="button" className="primary" disabled={rows.length === 0} onClick={() => updateSettings({ analogues: settings })}>
            Find analogues of the selection
          </button>
        )}
      </div>
      <p className="store-status" role="status">
        {rows.length === 0
          ? 'Select patches on the scatter or draw an area on the globe: they are the query.'
          : running
            ? `Scoring ${result.table.count.toLocaleString('en')} patches…`
            : analogues
              ? 'The views are coloured by similarity to the query; the list follows the selection.'
              : `${rows.length.toLocaleString('en')} patches selected.`}
      </p>
      {error && (
        <p className="store-status" role="alert">
          {error}
        </p>
      )}
      {analogues && shownFound && shown && shownFound.times.length > 1 && (
        <label className="field">
          <span>Views coloured at</span>
          <select aria-label="Analogue scores shown" value={shownTime < shownFound.times.length ? shownTime : 0} onChange={(event) => set({ shownTime: Number(event.target.value) })}>
            {shownFound.times.map((time, k) => (
              <option key={k} value={k}>
                {isoTime(time.time).slice(0, 16).replace('T', ' ')}
                {k === runIndex ? ' (the run)' : k === shownFound.queryTime ? ' (the query)' : ''}
              </option>
            ))}
          </select>
        </label>
      )}
      {analogues && shownFound && shown && (
        <AnalogueList
          items={items}
          metric={shown.metric}
          query={describeQuery(queryRows, shown.mode, isoTime(shownFound.times[shownFound.queryTime].time))}
          selectedKey={selectedPatch === null ? null : `${runIndex}:${selectedPatch}`}
          onPick={(index) => {
            const match = shown.matches[index];
            if (match.time === runIndex) return updateSettings({ selectedPatch: match.row });
            // Another time: its run opens on the patch, and shows this search (not one of that time's selection).
            const time = isoTime(shownFound.times[match.time].time);
            if (signature !== null) set({ opening: openedMatch(result, shownFound, signature, time) });
            openMatch(time, match.row);
          }}
          notice={shown.backendAgreed ? undefined : "The backend's scores disagreed with exact ones; every score was recomputed on the CPU."}
        />
      )}
    </section>
  );
}
