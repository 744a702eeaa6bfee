// The set-up panel: which store, model, time, level, study and split a run uses.
// The store URL is edited as a draft and only replaces the current store once it has opened,
// so a bad URL costs the user nothing.
import { useEffect, useState } from 'react';
import { useExplorer } from '../state/store.ts';
import { LAYOUTS, type ViewSettings } from '../state/view-settings.ts';
import { Calendar } from './Calendar.tsx';
import { ExtremesSetup } from './extremes/ExtremesSetup.tsx';
import type { ModelEntry } from './models.ts';
import type { StoreSummary } from './store-summary.ts';
import { SplitFields } from './SplitFields.tsx';

interface SetupPanelProps {
  summary: StoreSummary | null;
  storeStatus: 'loading' | 'ready' | 'failed';
  models: ModelEntry[];
  onOpenStore(location: string, staticStore: string | null, layout: ViewSettings['layout']): void;
  onRun(): void;
  onCancel(): void;
}

const LEVEL_NAMES = ['Surface', 'Atmospheric latent level 1', 'Atmospheric latent level 2', 'Atmospheric latent level 3'];

export function SetupPanel({ summary, storeStatus, models, onOpenStore, onRun, onCancel }: SetupPanelProps) {
  const settings = useExplorer((state) => state.settings);
  const runStatus = useExplorer((state) => state.runStatus);
  const updateSettings = useExplorer((state) => state.updateSettings);
  const [storeDraft, setStoreDraft] = useState(settings.store);
  const [staticDraft, setStaticDraft] = useState(settings.staticStore ?? '');
  const [layoutDraft, setLayoutDraft] = useState(settings.layout);

  // A permalink or a successful open changes the store: show it in the drafts.
  useEffect(() => setStoreDraft(settings.store), [settings.store]);
  useEffect(() => setStaticDraft(settings.staticStore ?? ''), [settings.staticStore]);
  useEffect(() => setLayoutDraft(settings.layout), [settings.layout]);

  const running = runStatus === 'running';
  const times = summary?.times ?? [];
  const timeIndex = settings.time ? times.indexOf(settings.time) : -1;
  const extremes = settings.study === 'extremes';
  // Study 2 takes its times from its own list, not the date picker.
  const runnable = !running && storeStatus === 'ready' && (extremes || settings.time !== null) && settings.modelId !== null;

  return (
    <aside className="setup-panel" aria-label="Set-up">
      <form
        className="panel-section"
        onSubmit={(event) => {
          event.preventDefault();
          onOpenStore(storeDraft.trim(), staticDraft.trim() === '' ? null : staticDraft.trim(), layoutDraft);
        }}
      >
        <h2>Data</h2>
        <label className="field">
          <span>Store URL</span>
          <input aria-label="Store URL" value={storeDraft} onChange={(event) => setStoreDraft(event.target.value)} spellCheck={false} />
        </label>
        <label className="field">
          <span>Static store URL (CDS layout)</span>
          <input
            aria-label="Static store URL"
            value={staticDraft}
            placeholder="same store"
            onChange={(event) => setStaticDraft(event.target.value)}
            spellCheck={false}
          />
        </label>
        <div className="field-row">
          <label className="field">
            <span>Layout</span>
            <select aria-label="Layout" value={layoutDraft} onChange={(event) => setLayoutDraft(event.target.value as ViewSettings['layout'])}>
              {LAYOUTS.map((layout) => (
                <option key={layout} value={layout}>
                  {layout === 'auto' ? 'detect' : layout === 'wb2' ? 'WeatherBench2' : 'CDS / Earth Data Hub'}
                </option>
              ))}
            </select>
          </label>
          <button type="submit" aria-label="Open store" disabled={running}>
            Open
          </button>
        </div>
        <p className="store-status" aria-live="polite">
          {storeStatus === 'loading' && 'Opening the store…'}
          {storeStatus === 'ready' && summary && (
            <>
              {summary.layoutName}, {summary.height} × {summary.width} grid, {summary.times.length} times
              {summary.synthetic && <strong className="badge synthetic"> synthetic sample</strong>}
            </>
          )}
          {storeStatus === 'failed' && 'The store could not be opened; the previous one is still in use.'}
        </p>
      </form>

      <section className="panel-section">
        <h2>Model</h2>
        <label className="field">
          <span>Model</span>
          <select
            aria-label="Model"
            value={settings.modelId ?? ''}
            onChange={(event) => {
              const model = models.find((entry) => entry.id === event.target.value);
              updateSettings({ modelId: event.target.value, modelHash: model?.hash ?? null });
            }}
          >
            {models.length === 0 && <option value="">no models in models/</option>}
            {models.map((model) => (
              <option key={model.id} value={model.id} disabled={model.unusable !== null} title={model.unusable ?? model.description}>
                {model.label}
              </option>
            ))}
          </select>
        </label>
      </section>

      {!extremes && (
        <section className="panel-section">
          <h2>Date</h2>
          <Calendar times={times} value={settings.time} onChange={(time) => updateSettings({ time })} disabled={running} />
          <div className="field-row">
            <button
              type="button"
              aria-label="Previous step"
              disabled={running || timeIndex <= 0}
              onClick={() => updateSettings({ time: times[timeIndex - 1] })}
            >
              ◂ −6 h
            </button>
            <button
              type="button"
              aria-label="Next step"
              disabled={running || timeIndex < 0 || timeIndex >= times.length - 1}
              onClick={() => updateSettings({ time: times[timeIndex + 1] })}
            >
              +6 h ▸
            </button>
          </div>
        </section>
      )}

      <section className="panel-section">
        <h2>Probe</h2>
        <label className="field">
          <span>Latent level</span>
          <select
            aria-label="Latent level"
            value={settings.level}
            onChange={(event) => updateSettings({ level: Number(event.target.value) as ViewSettings['level'] })}
          >
            {LEVEL_NAMES.map((name, level) => (
              <option key={name} value={level}>
                {name}
              </option>
            ))}
          </select>
        </label>
        <label className="field">
          <span>Study</span>
          <select aria-label="Study" value={settings.study} onChange={(event) => updateSettings({ study: event.target.value as ViewSettings['study'] })}>
            <option value="land-sea">Land and sea</option>
            <option value="extremes">Extreme 2 m temperature</option>
          </select>
        </label>
        {!extremes && <SplitFields study="land-sea" label="Split" split={settings.split} onChange={(split) => updateSettings({ split })} />}
        {!extremes && (
          <label className="field-toggle" title="Weight each patch by cos(latitude) in PCA and the probe, so that every area of the Earth counts alike">
            <input type="checkbox" aria-label="Area weights" checked={settings.areaWeights} onChange={(event) => updateSettings({ areaWeights: event.target.checked })} />
            Area weights (cos latitude)
          </label>
        )}
      </section>

      {extremes && <ExtremesSetup storeTimes={times} disabled={running} />}

      <div className="run-buttons">
        <button type="button" className="primary" aria-label="Run" disabled={!runnable} onClick={onRun}>
          Run
        </button>
        <button type="button" aria-label="Cancel" disabled={!running} onClick={onCancel}>
          Cancel
        </button>
      </div>
    </aside>
  );
}
