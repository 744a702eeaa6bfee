import { useCallback, useEffect, useRef, useState } from 'react';
import { describeError } from '../describe-error.ts';
import { listModels, type ModelEntry } from './models.ts';
import { Notices } from './Notices.tsx';
import { SetupPanel } from './SetupPanel.tsx';
import { summariseStore, type StoreSummary } from './store-summary.ts';
import { permalink, startUrlSync } from './url-sync.ts';
import { useExplorer } from '../state/store.ts';
import { storeLocation, type ViewSettings } from '../state/view-settings.ts';
import './app.css';

type StoreStatus = 'loading' | 'ready' | 'failed';

/** The time to show after opening a store: the one asked for if the store has it, else the latest. */
function keepOrLatest(time: string | null, times: string[]): string | null {
  if (time && times.includes(time)) return time;
  return times[times.length - 1] ?? null;
}

export function App() {
  const [summary, setSummary] = useState<StoreSummary | null>(null);
  const [storeStatus, setStoreStatus] = useState<StoreStatus>('loading');
  const [models, setModels] = useState<ModelEntry[]>([]);
  const notify = useExplorer((state) => state.notify);
  const updateSettings = useExplorer((state) => state.updateSettings);
  const modelId = useExplorer((state) => state.settings.modelId);
  const openRequest = useRef(0);

  /** Opens a store; only a store that opened replaces the current one, so a bad URL loses nothing. */
  const openStore = useCallback(
    async (location: string, staticStore: string | null, layout: ViewSettings['layout'], initial: boolean) => {
      const request = ++openRequest.current;
      for (const candidate of [location, staticStore]) {
        const checked = candidate === null ? null : storeLocation.safeParse(candidate);
        if (checked && !checked.success) {
          notify('error', 'Could not open the store', `"${candidate}": ${checked.error.issues[0]?.message}.`);
          return;
        }
      }
      setStoreStatus('loading');
      try {
        const opened = await summariseStore(location, staticStore, layout);
        if (request !== openRequest.current) return;
        setSummary(opened);
        setStoreStatus('ready');
        const { settings } = useExplorer.getState();
        updateSettings({ store: location, staticStore, layout, time: keepOrLatest(settings.time, opened.times) });
        if (settings.time && !opened.times.includes(settings.time)) {
          notify('warning', 'Time not in the store', `${settings.time} is not available in ${location}; showing ${keepOrLatest(null, opened.times)} instead.`);
        }
      } catch (error) {
        if (request !== openRequest.current) return;
        // The previous store stays in use when there is one.
        setStoreStatus(initial || summary === null ? 'failed' : 'ready');
        notify('error', 'Could not open the store', describeError(error));
      }
    },
    [notify, updateSettings, summary],
  );

  useEffect(() => {
    const stopSync = startUrlSync();
    const { settings } = useExplorer.getState();
    void openStore(settings.store, settings.staticStore, settings.layout, true);
    listModels()
      .then(setModels)
      .catch((error: unknown) => notify('error', 'Could not list the models', describeError(error)));
    return stopSync;
    // Runs once: later opens come from the set-up panel.
  }, []);

  const model = models.find((entry) => entry.id === modelId);

  return (
    <div className="app">
      <header className="app-header">
        <h1>Aurora Latent Explorer</h1>
        {model && model.trained === false && (
          <span className="badge untrained" title={model.description}>
            untrained encoder
          </span>
        )}
        <span className="spacer" />
        <button
          type="button"
          aria-label="Copy link"
          onClick={() => {
            const link = permalink();
            navigator.clipboard
              .writeText(link)
              .then(() => notify('info', 'Link copied', link))
              .catch(() => notify('info', 'Copy this link', link));
          }}
        >
          Copy link
        </button>
      </header>
      <Notices />
      <div className="app-body">
        <SetupPanel
          summary={summary}
          storeStatus={storeStatus}
          models={models}
          onOpenStore={(location, staticStore, layout) => void openStore(location, staticStore, layout, false)}
          onRun={() => undefined}
          onCancel={() => undefined}
        />
        <main className="main-views">
          <div className="empty-state">Pick a date and press Run to encode it and probe the latent space.</div>
        </main>
        <aside className="side-panel" aria-label="Results" />
      </div>
    </div>
  );
}
