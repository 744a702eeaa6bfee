// The set-up panel: which store, model, time, level, study and split a run uses.
// The store fields are edited as a draft and only replace the current source once it has opened,
// so a bad URL costs the user nothing. A token typed here stays in the field and the tab's memory.
import { Fragment, useEffect, useState } from 'react';
import { useExplorer } from '../state/store.ts';
import { LAYOUTS, SOURCE_SETTING_KEYS, type ViewSettings } from '../state/view-settings.ts';
import { DEFAULT_REQUEST_POLICY } from '../data/request.ts';
import { Calendar } from './Calendar.tsx';
import { NumberField } from './NumberField.tsx';
import { EXTREMES_NEED_ERA5 } from './extremes/extremes-run.ts';
import { ExtremesSetup } from './extremes/ExtremesSetup.tsx';
import { K_INDEX_NEEDS_ERA5, kIndexTimes } from './kindex/kindex-run.ts';
import { KIndexSetup } from './kindex/KIndexSetup.tsx';
import { K_INDEX_LATENT_LEVEL } from '../studies/k-index.ts';
import { MODEL_KIND_TITLES, modelKind, type ModelEntry, type ModelKind } from './models.ts';
import { fieldsOf, settingsOfFields, type SourceFields } from './store-draft.ts';
import type { LatentStoreSummary, SourceSummary, StoreSummary } from './store-summary.ts';
import { SplitFields } from './SplitFields.tsx';

interface SetupPanelProps {
  summary: SourceSummary | null;
  /** 'asked': a link's store waits for the answer to the question above (another site). */
  storeStatus: 'asked' | 'loading' | 'ready' | 'failed';
  models: ModelEntry[];
  onOpenSource(fields: SourceFields): void;
  /** Drops the credentials this tab holds for the stores' servers. */
  onForgetCredentials(): void;
  onRun(): void;
  onCancel(): void;
}

const LEVEL_NAMES = ['Surface', 'Atmospheric latent level 1', 'Atmospheric latent level 2', 'Atmospheric latent level 3'];

/** Whether the fields give the source in use (after a failed Open the old source stays). */
function fieldsApplied(fields: Omit<SourceFields, 'token'>, settings: ViewSettings): boolean {
  try {
    const { settings: wanted } = settingsOfFields({ ...fields, token: '' }, globalThis.location.href);
    return SOURCE_SETTING_KEYS.every((key) => JSON.stringify(wanted[key]) === JSON.stringify(settings[key]));
  } catch {
    return false;
  }
}

export function SetupPanel({ summary, storeStatus, models, onOpenSource, onForgetCredentials, onRun, onCancel }: SetupPanelProps) {
  const settings = useExplorer((state) => state.settings);
  const runStatus = useExplorer((state) => state.runStatus);
  const updateSettings = useExplorer((state) => state.updateSettings);
  const credentialHosts = useExplorer((state) => state.credentials.map((entry) => new URL(entry.origin).host).join(', '));
  const [fields, setFields] = useState(() => fieldsOf(settings));
  // Never filled from the settings, which do not hold it.
  const [token, setToken] = useState('');
  const edit = (patch: Partial<Omit<SourceFields, 'token'>>) => setFields((current) => ({ ...current, ...patch }));

  // A permalink or a successful open changes the source: show it in the fields.
  const { store, atmosStore, staticStore, layout, variables, pressureLevels, latents, latentsEra5 } = settings;
  useEffect(
    () => setFields(fieldsOf({ store, atmosStore, staticStore, layout, variables, pressureLevels, latents, latentsEra5 })),
    // Settings keep an unchanged field's object, so the lists compare by identity.
    [store, atmosStore, staticStore, layout, variables, pressureLevels, latents, latentsEra5],
  );

  const running = runStatus === 'running';
  const times = summary?.times ?? [];
  const timeIndex = settings.time ? times.indexOf(settings.time) : -1;
  const extremes = settings.study === 'extremes';
  const kIndex = settings.study === 'k-index';
  const landSea = settings.study === 'land-sea';
  const fromStore = settings.latents !== null;
  // Studies 2 and 3 need ERA5 (2 m temperature; temperature and humidity aloft): over a latent store, from an ERA5 store beside it.
  const withoutEra5 = !landSea && fromStore && !settings.latentsEra5;
  const levelCount = summary?.latents?.levelCount ?? LEVEL_NAMES.length;
  // Study 2 takes its times from its own list, not the date picker; study 3 from its list or the date.
  const hasTimes = extremes || (kIndex ? kIndexTimes(settings).length > 0 : settings.time !== null);
  const runnable = !running && storeStatus === 'ready' && hasTimes && (fromStore || settings.modelId !== null) && !withoutEra5;
  const kind = fields.kind;
  const showEra5Fields = kind === 'era5' || fields.latentsEra5;
  const notApplied = storeStatus !== 'loading' && storeStatus !== 'asked' && !fieldsApplied(fields, settings);

  return (
    <aside className="setup-panel" aria-label="Set-up">
      <form
        className="panel-section"
        onSubmit={(event) => {
          event.preventDefault();
          onOpenSource({ ...fields, token });
        }}
      >
        <h2>Data</h2>
        <div className="field-row" role="radiogroup" aria-label="Source of the latents">
          <label className="field-toggle">
            <input type="radio" name="source" aria-label="ERA5 + model" checked={kind === 'era5'} onChange={() => edit({ kind: 'era5' })} />
            ERA5 + model
          </label>
          <label className="field-toggle">
            <input type="radio" name="source" aria-label="Latent store" checked={kind === 'latents'} onChange={() => edit({ kind: 'latents' })} />
            Latent store
          </label>
        </div>
        {kind === 'latents' && (
          <>
            <label className="field">
              <span>Latent store URL (https, gs://, s3://)</span>
              <input aria-label="Latent store URL" value={fields.latents} placeholder="gs://bucket/path/latents.zarr" onChange={(event) => edit({ latents: event.target.value })} spellCheck={false} />
            </label>
            <label className="field-toggle" title="An ERA5 store over the same patches and times gives the inspector its inputs, study 2 its 2 m temperatures, and the Compare panel its untrained-encoder and raw-input baselines">
              <input type="checkbox" aria-label="ERA5 store beside the latents" checked={fields.latentsEra5} onChange={(event) => edit({ latentsEra5: event.target.checked })} />
              ERA5 store beside the latents
            </label>
          </>
        )}
        {showEra5Fields && (
          <>
            <label className="field">
              <span>{kind === 'latents' ? 'ERA5 store URL' : 'Store URL'}</span>
              <input aria-label={kind === 'latents' ? 'ERA5 store URL' : 'Store URL'} value={fields.store} onChange={(event) => edit({ store: event.target.value })} spellCheck={false} />
            </label>
            <label className="field">
              <span>Atmospheric store URL (Earth Data Hub: pressure levels)</span>
              <input aria-label="Atmospheric store URL" value={fields.atmosStore} placeholder="same store" onChange={(event) => edit({ atmosStore: event.target.value })} spellCheck={false} />
            </label>
          </>
        )}
        <label className="field">
          <span>{kind === 'latents' && !fields.latentsEra5 ? 'Static store URL (land-sea mask; default the real ERA5 0.25° mask)' : 'Static store URL'}</span>
          <input
            aria-label="Static store URL"
            value={fields.staticStore}
            placeholder={kind === 'latents' && !fields.latentsEra5 ? 'shipped ERA5 mask' : 'in the store, else shipped ERA5 0.25°'}
            onChange={(event) => edit({ staticStore: event.target.value })}
            spellCheck={false}
          />
        </label>
        <label
          className="field"
          title="Sent as an Authorization header to the servers of the stores above (not to this site), and kept in this tab's memory only: never in a link, a cache or a message. A URL may carry its own, as Earth Data Hub documents: https://edh:TOKEN@host/..."
        >
          <span>Token (e.g. Earth Data Hub)</span>
          <input
            aria-label="Token"
            type="password"
            autoComplete="off"
            value={token}
            placeholder={credentialHosts ? `held for ${credentialHosts} (this tab only)` : 'none'}
            onChange={(event) => setToken(event.target.value)}
            spellCheck={false}
          />
        </label>
        {credentialHosts && (
          <p className="store-credentials">
            Credentials held in this tab for {credentialHosts}.{' '}
            <button
              type="button"
              onClick={() => {
                setToken('');
                onForgetCredentials();
              }}
            >
              Forget them
            </button>
          </p>
        )}
        {showEra5Fields && (
          <details className="advanced-store">
            <summary>Advanced: variable names and pressure levels</summary>
            <label className="field">
              <span>Variable names (AURORA=NAME, one a line)</span>
              <textarea
                aria-label="Variable names"
                rows={2}
                value={fields.variables}
                placeholder={'e.g. 2t=t2m\natmos.z=geopotential'}
                onChange={(event) => edit({ variables: event.target.value })}
                spellCheck={false}
              />
            </label>
            <label className="field">
              <span>Pressure levels (hPa)</span>
              <input aria-label="Pressure levels" value={fields.pressureLevels} placeholder="all of Aurora's 13 the store has" onChange={(event) => edit({ pressureLevels: event.target.value })} spellCheck={false} />
            </label>
          </details>
        )}
        <div className="field-row">
          {showEra5Fields && (
            <label className="field">
              <span>Layout</span>
              <select aria-label="Layout" value={fields.layout} onChange={(event) => edit({ layout: event.target.value as ViewSettings['layout'] })}>
                {LAYOUTS.map((layout) => (
                  <option key={layout} value={layout}>
                    {layout === 'auto' ? 'detect' : layout === 'wb2' ? 'WeatherBench2' : 'CDS / Earth Data Hub'}
                  </option>
                ))}
              </select>
            </label>
          )}
          <button type="submit" aria-label="Open store" disabled={running}>
            Open
          </button>
        </div>
        {notApplied && (
          <p className="store-draft" role="status">
            Not applied: the store in use is <code>{settings.latents ?? settings.store}</code>
            {settings.latents && settings.latentsEra5 ? (
              <>
                {' '}
                with ERA5 from <code>{settings.store}</code>
              </>
            ) : null}
            {settings.atmosStore && (settings.latents === null || settings.latentsEra5) ? (
              <>
                {' '}
                and pressure levels from <code>{settings.atmosStore}</code>
              </>
            ) : null}
            {settings.staticStore ? (
              <>
                {' '}
                and statics from <code>{settings.staticStore}</code>
              </>
            ) : null}
            . Open applies these fields.{' '}
            <button type="button" onClick={() => setFields(fieldsOf(settings))}>
              Back to the store in use
            </button>
          </p>
        )}
        <div className="store-status" aria-live="polite">
          {storeStatus === 'asked' && 'Nothing opened yet: answer the question above.'}
          {storeStatus === 'loading' && 'Opening the store…'}
          {storeStatus === 'ready' && summary?.latents && <LatentStoreFacts store={summary.latents} />}
          {storeStatus === 'ready' && summary?.era5 && <Era5Facts store={summary.era5} beside={summary.latents !== null} />}
          {storeStatus === 'failed' && 'The store could not be opened; the previous one is still in use.'}
        </div>
      </form>
      <div className="field-row">
        {/* Applies at once, outside the store's draft: the next request waits this long (a slow server, a hung one). */}
        <NumberField
          label="Wait for a server (s)"
          value={settings.requestTimeoutS ?? DEFAULT_REQUEST_POLICY.timeoutMs / 1000}
          onChange={(seconds) => updateSettings({ requestTimeoutS: Math.min(600, Math.max(1, Math.round(seconds))) })}
        />
      </div>

      {fromStore ? (
        <section className="panel-section">
          <h2>Model</h2>
          <p className="model-kind">
            <span className="badge kind-latent-store">{MODEL_KIND_TITLES['latent-store']}</span>
            <span className="model-kind-note">The latents are read, not encoded: the store's attributes name the model that wrote them.</span>
          </p>
        </section>
      ) : (
        <ModelPicker models={models} modelId={settings.modelId} onPick={(model) => updateSettings({ modelId: model.id, modelHash: model.hash })} />
      )}

      {!extremes && (
        <section className="panel-section">
          <h2>Date</h2>
          <Calendar times={times} value={settings.time} onChange={(time) => updateSettings({ time })} disabled={running} />
          <div className="field-row">
            {/* Named by what they show (the arrows are decoration); the title says what they do. */}
            <button
              type="button"
              title="The store's previous time"
              disabled={running || timeIndex <= 0}
              onClick={() => updateSettings({ time: times[timeIndex - 1] })}
            >
              <span aria-hidden="true">◂ </span>−{stepLabel(times, timeIndex - 1, timeIndex)}
            </button>
            <button
              type="button"
              title="The store's next time"
              disabled={running || timeIndex < 0 || timeIndex >= times.length - 1}
              onClick={() => updateSettings({ time: times[timeIndex + 1] })}
            >
              +{stepLabel(times, timeIndex, timeIndex + 1)}
              <span aria-hidden="true"> ▸</span>
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
            {LEVEL_NAMES.slice(0, levelCount).map((name, level) => (
              <option key={name} value={level}>
                {name}
              </option>
            ))}
          </select>
        </label>
        <label className="field">
          <span>Study</span>
          <select
            aria-label="Study"
            value={settings.study}
            onChange={(event) => {
              const study = event.target.value as ViewSettings['study'];
              // Study 3 probes the first atmospheric latent level, as the study did.
              updateSettings({ study, ...(study === 'k-index' && settings.level === 0 ? { level: K_INDEX_LATENT_LEVEL } : {}) });
            }}
          >
            <option value="land-sea">Land and sea</option>
            <option value="extremes">Extreme 2 m temperature</option>
            <option value="k-index">K-index instability</option>
          </select>
        </label>
        {landSea && <SplitFields study="land-sea" label="Split" split={settings.split} onChange={(split) => updateSettings({ split })} />}
        {landSea && (
          <label className="field-toggle" title="Weight each patch by cos(latitude) in PCA and the probe, so that every area of the Earth counts alike">
            <input type="checkbox" checked={settings.areaWeights} onChange={(event) => updateSettings({ areaWeights: event.target.checked })} />
            Area weights (cos latitude)
          </label>
        )}
      </section>

      {withoutEra5 && (
        <p className="store-status" role="status">
          {extremes ? EXTREMES_NEED_ERA5 : K_INDEX_NEEDS_ERA5}
        </p>
      )}
      {extremes && !withoutEra5 && <ExtremesSetup storeTimes={times} disabled={running} />}
      {kIndex && !withoutEra5 && <KIndexSetup storeTimes={times} disabled={running} />}

      <div className="run-buttons">
        <button type="button" className="primary" aria-label="Run" disabled={!runnable} onClick={onRun}>
          Run
        </button>
        <button type="button" aria-label="Cancel" disabled={!running && storeStatus !== 'loading'} onClick={onCancel}>
          Cancel
        </button>
      </div>
    </aside>
  );
}

/**
 * The gap between two of the store's times, as the step buttons name it: 6 h for ERA5's steps, but a
 * latent store's times are shown as they are, and its next time may be hours or days away.
 */
function stepLabel(times: readonly string[], from: number, to: number): string {
  const last = times.length - 1;
  if (last < 1) return '6 h';
  // At either end the button is disabled; it names the store's nearest gap rather than a made-up one.
  if (from < 0) [from, to] = [0, 1];
  if (to > last) [from, to] = [last - 1, last];
  const hours = (Date.parse(times[to]) - Date.parse(times[from])) / 3_600_000;
  if (!Number.isFinite(hours) || hours <= 0) return 'step';
  return hours % 24 === 0 && hours >= 48 ? `${hours / 24} d` : `${Number(hours.toFixed(2))} h`;
}

function Era5Facts({ store, beside }: { store: StoreSummary; beside: boolean }) {
  const levels = store.levels.length === 13 ? `all of Aurora's 13 (${store.levels.join(', ')} hPa)` : `${store.levels.join(', ')} hPa`;
  return (
    <>
      <p>
        <span>
          {beside ? 'ERA5 beside: ' : ''}
          {store.layoutName}, {store.height} × {store.width} grid, {store.times.length} times{store.timesChecked ? ' with data' : ''}
        </span>
        {store.synthetic && <strong className="badge synthetic">synthetic sample</strong>}
      </p>
      <ul className="store-notes" aria-label="How the data are read">
        {/* A note that names the levels left out says it all; else the levels encoded are named here. */}
        {!store.notes.some((note) => note.startsWith('Pressure levels:')) && <li>Pressure levels encoded: {levels}.</li>}
        {store.notes.map((note) => (
          <li key={note}>{note}</li>
        ))}
      </ul>
    </>
  );
}

/** The latent store's shape and what it says of itself (model, checkpoint hash, source data), when it says it. */
function LatentStoreFacts({ store }: { store: LatentStoreSummary }) {
  return (
    <div role="group" aria-label="Latent store facts">
      <p>
        Latent store, {store.rows} × {store.columns} patches, D = {store.embedDim}, {store.levelCount} latent level{store.levelCount === 1 ? '' : 's'}, {store.times.length} time{store.times.length === 1 ? '' : 's'}
      </p>
      {store.atmosLevelLabels.length > 0 && (
        // The picker counts atmospheric levels from 1 whatever the store calls them (0..2 in the study's, 1..3 in older ones of ours).
        <p>Its atmospheric levels {store.atmosLevelLabels.join(', ')} are the picker's levels 1..{store.atmosLevelLabels.length}.</p>
      )}
      {store.attributes.length > 0 && (
        <dl className="kv" aria-label="Store attributes">
          {store.attributes.map((attribute) => (
            <Fragment key={attribute.name}>
              <dt>{attribute.name}</dt>
              <dd title={attribute.value} style={{ overflowWrap: 'anywhere' }}>
                {attribute.value}
              </dd>
            </Fragment>
          ))}
        </dl>
      )}
      {store.timeNotices.length > 0 && <p className="warning">Irregular time axis: {store.timeNotices.join('; ')}. Times are shown as they are.</p>}
    </div>
  );
}
/** A file's name without its extension: what a model is called in the picker. */
const modelName = (model: ModelEntry) => model.id.replace(/\.onnx$/, '');

const KIND_ORDER: readonly ModelKind[] = ['pretrained', 'untrained', 'latent-store', 'unknown'];

/**
 * The model picker, with the chosen model's kind as a badge beside it (a truncated option hid "UNTRAINED"), the
 * models grouped by kind. A model the settings name but models/ lacks (from a link) is shown as missing, so that
 * picking a real one is a change the select reports.
 */
function ModelPicker({ models, modelId, onPick }: { models: ModelEntry[]; modelId: string | null; onPick(model: ModelEntry): void }) {
  const chosen = models.find((model) => model.id === modelId) ?? null;
  const missing = modelId !== null && chosen === null && models.length > 0;
  const kind = chosen ? modelKind(chosen) : null;
  return (
    <section className="panel-section">
      <h2>Model</h2>
      <label className="field">
        <span>Model</span>
        <select
          aria-label="Model"
          aria-describedby="model-kind"
          value={modelId ?? ''}
          onChange={(event) => {
            const model = models.find((entry) => entry.id === event.target.value);
            if (model) onPick(model);
          }}
        >
          {models.length === 0 && <option value="">no models in models/</option>}
          {(missing || (modelId === null && models.length > 0)) && (
            <option value={modelId ?? ''} disabled>
              {missing ? `${modelId} (not in models/)` : 'pick a model'}
            </option>
          )}
          {KIND_ORDER.map((group) => {
            const members = models.filter((model) => modelKind(model) === group);
            return (
              members.length > 0 && (
                <optgroup key={group} label={MODEL_KIND_TITLES[group]}>
                  {members.map((model) => (
                    <option key={model.id} value={model.id} disabled={model.unusable !== null} title={model.unusable ?? model.description}>
                      {modelName(model)}
                      {model.unusable !== null ? ' (unusable)' : ''}
                    </option>
                  ))}
                </optgroup>
              )
            );
          })}
        </select>
      </label>
      <p className="model-kind" id="model-kind" aria-live="polite">
        {kind && (
          <span className={`badge kind-${kind}`} title={chosen?.description}>
            {MODEL_KIND_TITLES[kind]}
          </span>
        )}
        {missing && <span className="badge kind-missing">not in models/: pick one</span>}
        {kind === 'untrained' && <span className="model-kind-note">Aurora's architecture, no training: a control.</span>}
      </p>
    </section>
  );
}
