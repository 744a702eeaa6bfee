// Study 2's part of the set-up panel: times, percentile source, region, percentile and split. The
// region is edited as a draft and applied whole, so that typing "6" on the way to "60" is not refused.
import { useEffect, useState, type DragEvent } from 'react';
import { describeError } from '../../describe-error.ts';
import { useExplorer } from '../../state/store.ts';
import { DEFAULT_VIEW_SETTINGS, type RegionBox } from '../../state/view-settings.ts';
import { TimeList } from '../TimeList.tsx';
import { defaultExtremesTimes, extremesTimes } from './extremes-run.ts';
import { useExtremes, usePercentileFiles } from './extremes-store.ts';
import { percentilesBesideStore, readPercentileFiles } from './percentile-source.ts';
import { SplitFields } from '../SplitFields.tsx';

const PERCENTILES: readonly number[] = [75, 90, 95, 99];
type SourceMode = 'beside' | 'url' | 'files';

export function ExtremesSetup({ storeTimes, disabled }: { storeTimes: string[]; disabled: boolean }) {
  return (
    <>
      <TimesSection storeTimes={storeTimes} disabled={disabled} />
      <PercentileSourceSection disabled={disabled} />
      <RegionSection disabled={disabled} />
      <StudyProbeSection />
    </>
  );
}

function TimesSection({ storeTimes, disabled }: { storeTimes: string[]; disabled: boolean }) {
  const settings = useExplorer((state) => state.settings);
  const updateSettings = useExplorer((state) => state.updateSettings);
  return (
    <TimeList
      times={extremesTimes(settings, storeTimes)}
      storeTimes={storeTimes}
      onChange={(extremesTimes) => updateSettings({ extremesTimes })}
      defaultLabel="Heatwave times"
      defaultTitle={`The study's heatwave times that this store has (${defaultExtremesTimes(storeTimes).length})`}
      isDefault={settings.extremesTimes === null}
      disabled={disabled}
    />
  );
}

function PercentileSourceSection({ disabled }: { disabled: boolean }) {
  const settings = useExplorer((state) => state.settings);
  const updateSettings = useExplorer((state) => state.updateSettings);
  const notify = useExplorer((state) => state.notify);
  const files = usePercentileFiles((state) => state.files);
  const setFiles = usePercentileFiles((state) => state.setFiles);
  const [mode, setMode] = useState<SourceMode>(files ? 'files' : settings.percentileSource ? 'url' : 'beside');
  const [urlDraft, setUrlDraft] = useState(settings.percentileSource ?? '');
  const [reading, setReading] = useState(false);
  useEffect(() => setUrlDraft(settings.percentileSource ?? ''), [settings.percentileSource]);

  const chooseMode = (next: SourceMode) => {
    setMode(next);
    if (next === 'beside') {
      setFiles(null);
      updateSettings({ percentileSource: null });
    }
  };

  /** Reads the files; the source in use changes only once they have been read. */
  const load = async (list: File[]) => {
    if (list.length === 0) return;
    setReading(true);
    try {
      const fields = await readPercentileFiles(list.map((file) => ({ name: file.name, bytes: async () => new Uint8Array(await file.arrayBuffer()) })));
      const names = list.map((file) => file.name);
      setFiles({ names, fields });
      notify(
        'info',
        'Percentile files read',
        `${fields.map((field) => `p${field.percentile}`).join(', ')} from ${names.join(', ')}. Files cannot travel in a link: a copied link names the percentile store instead (${settings.percentileSource ?? 'the one beside the ERA5 store'}).`,
      );
    } catch (error) {
      notify('error', 'Could not read the percentile files', `${describeError(error)}${files ? ' The files read before are still in use.' : ''}`);
    } finally {
      setReading(false);
    }
  };

  const onDrop = (event: DragEvent<HTMLDivElement>) => {
    event.preventDefault();
    setMode('files');
    void load(Array.from(event.dataTransfer.files));
  };

  return (
    <section className="panel-section" aria-label="Percentile source">
      <h2>Percentiles</h2>
      <label className="field">
        <span>Threshold source</span>
        <select aria-label="Percentile source" value={mode} disabled={disabled} onChange={(event) => chooseMode(event.target.value as SourceMode)}>
          <option value="beside">tmax-percentiles.zarr beside the store</option>
          <option value="url">Zarr store URL</option>
          <option value="files">NetCDF files (CDS)</option>
        </select>
      </label>
      {mode === 'beside' && <p className="store-status">{percentilesBesideStore(settings.store)}</p>}
      {mode === 'url' && (
        <form
          className="field-row"
          onSubmit={(event) => {
            event.preventDefault();
            setFiles(null);
            updateSettings({ percentileSource: urlDraft.trim() === '' ? null : urlDraft.trim() });
          }}
        >
          <label className="field">
            <span>Percentile store URL</span>
            <input aria-label="Percentile store URL" value={urlDraft} spellCheck={false} placeholder="https://…/tmax-percentiles.zarr" onChange={(event) => setUrlDraft(event.target.value)} />
          </label>
          <button type="submit" aria-label="Use percentile store" disabled={disabled}>
            Use
          </button>
        </form>
      )}
      {mode === 'files' && (
        <div className="drop-zone" aria-label="Drop percentile files here" onDragOver={(event) => event.preventDefault()} onDrop={onDrop}>
          <label className="field">
            <span>pNN_Tmax_Yearly_rcp45_mean_v1.0.nc files, or drop them here</span>
            <input
              aria-label="Percentile files"
              type="file"
              multiple
              accept=".nc,.nc4,.netcdf"
              disabled={disabled || reading}
              onChange={(event) => void load(Array.from(event.target.files ?? []))}
            />
          </label>
          <p className="store-status" aria-live="polite">
            {reading ? 'Reading…' : files ? `In use: ${files.names.join(', ')} (not carried by links)` : 'No files yet: the store beside the ERA5 store is used.'}
          </p>
        </div>
      )}
    </section>
  );
}

const REGION_EDGES = [
  ['south', 'South (°N)'],
  ['north', 'North (°N)'],
  ['west', 'West (°E)'],
  ['east', 'East (°E)'],
] as const;

function RegionSection({ disabled }: { disabled: boolean }) {
  const region = useExplorer((state) => state.settings.region);
  const updateSettings = useExplorer((state) => state.updateSettings);
  const notify = useExplorer((state) => state.notify);
  const [draft, setDraft] = useState<Record<keyof RegionBox, string>>(() => textOf(region));
  useEffect(() => setDraft(textOf(region)), [region]);

  return (
    <form
      className="panel-section"
      aria-label="Region"
      onSubmit={(event) => {
        event.preventDefault();
        const values = REGION_EDGES.map(([edge]) => Number(draft[edge]));
        if (values.some((value, k) => draft[REGION_EDGES[k][0]].trim() === '' || !Number.isFinite(value))) {
          notify('warning', 'Region not changed', 'Each edge needs a number of degrees.');
          return;
        }
        const [south, north, west, east] = values;
        updateSettings({ region: { south, north, west, east } });
      }}
    >
      <h2>Region</h2>
      <div className="region-edges">
        {REGION_EDGES.map(([edge, label]) => (
          <label className="field compact" key={edge}>
            <span>{label}</span>
            <input aria-label={`Region ${edge}`} inputMode="decimal" value={draft[edge]} disabled={disabled} onChange={(event) => setDraft({ ...draft, [edge]: event.target.value })} />
          </label>
        ))}
      </div>
      <div className="field-row">
        <button type="submit" aria-label="Apply region" disabled={disabled}>
          Apply
        </button>
        <button type="button" aria-label="Europe" disabled={disabled} onClick={() => updateSettings({ region: DEFAULT_VIEW_SETTINGS.region })}>
          Europe
        </button>
      </div>
    </form>
  );
}

function textOf(region: RegionBox): Record<keyof RegionBox, string> {
  return { south: String(region.south), north: String(region.north), west: String(region.west), east: String(region.east) };
}

function StudyProbeSection() {
  const settings = useExplorer((state) => state.settings);
  const updateSettings = useExplorer((state) => state.updateSettings);
  const run = useExtremes((state) => state.run);
  const percentiles = run ? run.result.percentiles : PERCENTILES;

  return (
    <section className="panel-section" aria-label="Study probe">
      <div className="field-row">
        <label className="field">
          <span>Percentile shown</span>
          <select aria-label="Percentile" value={settings.percentile} onChange={(event) => updateSettings({ percentile: Number(event.target.value) })}>
            {(percentiles.includes(settings.percentile) ? percentiles : [...percentiles, settings.percentile]).map((percentile) => (
              <option key={percentile} value={percentile}>
                p{percentile}
              </option>
            ))}
          </select>
        </label>
      </div>
      <SplitFields study="extremes" label="Extremes split" split={settings.extremesSplit} onChange={(extremesSplit) => updateSettings({ extremesSplit })} />
    </section>
  );
}
