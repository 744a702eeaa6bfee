// The Analogues section of study 1's results: "where else does the encoder see weather like this?".
// The query is the selection (brushed on the scatter or drawn on the globe); while the search is on,
// it follows the selection, colours both views by similarity and lists the best matches, a click on
// one opening the inspector. The mode and metric go into the link, with the selection.
import { useEffect, useMemo } from 'react';
import { describeError } from '../../describe-error.ts';
import { isCancelled } from '../../errors.ts';
import { ANALOGUE_METRICS, ANALOGUE_MODES, type AnalogueMetric, type AnalogueMode } from '../../probes/analogue-kinds.ts';
import type { ExplorerResult } from '../../state/result.ts';
import { useExplorer } from '../../state/store.ts';
import { AnalogueList } from '../../views/index.ts';
import { analogueItems, describeQuery, selectedRows, type FindAnalogues } from './analogues-in-app.ts';
import { useAnalogues } from './analogues-store.ts';

const MODE_TITLES: Record<AnalogueMode, string> = { mean: 'Mean of the selection', any: 'Nearest to any selected' };
const METRIC_TITLES: Record<AnalogueMetric, string> = { cosine: 'Cosine', euclidean: 'Euclidean' };

export function AnaloguesSection({ result, find }: { result: ExplorerResult; find: FindAnalogues }) {
  const analogues = useExplorer((state) => state.settings.analogues);
  const selection = useExplorer((state) => state.selectionMask);
  const selectedPatch = useExplorer((state) => state.settings.selectedPatch);
  const updateSettings = useExplorer((state) => state.updateSettings);
  const { search, running, error, queryRows, resultKey, set } = useAnalogues();
  const rows = useMemo(() => selectedRows(selection.length === result.table.count ? selection : new Uint8Array(0)), [selection, result]);

  // The search follows the run, the selection, the mode and the metric while it is on.
  useEffect(() => {
    if (!analogues || rows.length === 0) {
      set({ search: null, resultKey: null, running: false, error: null, queryRows: 0 });
      return;
    }
    const controller = new AbortController();
    set({ running: true, error: null });
    find({ features: result.featuresKey, rows, mode: analogues.mode, metric: analogues.metric }, controller.signal)
      .then((found) => set({ search: found, resultKey: result.key, queryRows: rows.length, running: false }))
      .catch((caught: unknown) => {
        if (!isCancelled(caught)) set({ running: false, error: describeError(caught), search: null, resultKey: null });
      });
    return () => controller.abort();
  }, [analogues, rows, result, find, set]);

  const shown = search && resultKey === result.key ? search : null;
  const items = useMemo(() => (shown ? analogueItems(result, shown) : []), [shown, result]);
  const settings = analogues ?? { mode: 'mean' as const, metric: 'cosine' as const };

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
      {analogues && shown && (
        <AnalogueList
          items={items}
          metric={shown.metric}
          query={describeQuery(queryRows, shown.mode, result.time)}
          selectedKey={selectedPatch === null ? null : `0:${selectedPatch}`}
          onPick={(index) => updateSettings({ selectedPatch: shown.matches[index].row })}
          notice={shown.backendAgreed ? undefined : "The backend's scores disagreed with exact ones; every score was recomputed on the CPU."}
        />
      )}
    </section>
  );
}
