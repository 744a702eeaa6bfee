// Study 3's part of the set-up panel: its times, its K thresholds (drafted as text and applied whole),
// the threshold whose probe the views show, and its split.
import { useEffect, useState } from 'react';
import { useExplorer } from '../../state/store.ts';
import { DEFAULT_VIEW_SETTINGS } from '../../state/view-settings.ts';
import { SplitFields } from '../SplitFields.tsx';
import { TimeList } from '../TimeList.tsx';
import { kIndexTimes } from './kindex-run.ts';

export function KIndexSetup({ storeTimes, disabled }: { storeTimes: string[]; disabled: boolean }) {
  const settings = useExplorer((state) => state.settings);
  const updateSettings = useExplorer((state) => state.updateSettings);
  const notify = useExplorer((state) => state.notify);
  const [draft, setDraft] = useState(settings.kIndexThresholds.join(', '));
  useEffect(() => setDraft(settings.kIndexThresholds.join(', ')), [settings.kIndexThresholds]);
  const thresholds = settings.kIndexThresholds;
  const shown = thresholds.includes(settings.kIndexShown) ? settings.kIndexShown : thresholds[0];

  return (
    <>
      <TimeList
        times={kIndexTimes(settings)}
        storeTimes={storeTimes}
        onChange={(times) => updateSettings({ kIndexTimes: times })}
        defaultLabel="The date above"
        defaultTitle={`Only the date chosen above (${settings.time?.slice(0, 16).replace('T', ' ') ?? 'none yet'})`}
        isDefault={settings.kIndexTimes === null}
        disabled={disabled}
      />
      <section className="panel-section" aria-label="K-index probe">
        <h2>K-index</h2>
        <form
          className="field-row"
          onSubmit={(event) => {
            event.preventDefault();
            const values = draft.split(',').map((part) => Number(part.trim()));
            if (values.some((value, k) => draft.split(',')[k].trim() === '' || !Number.isFinite(value))) {
              notify('warning', 'Thresholds not changed', 'Give K thresholds in °C separated by commas, e.g. 20, 35.');
              return;
            }
            updateSettings({ kIndexThresholds: values, ...(values.includes(settings.kIndexShown) ? {} : { kIndexShown: values[0] }) });
          }}
        >
          <label className="field" title="A patch is unstable at a threshold when at least half of its grid points have a K-index above it (the study: 20 and 35 °C)">
            <span>Thresholds (°C)</span>
            <input aria-label="K thresholds" value={draft} disabled={disabled} inputMode="decimal" onChange={(event) => setDraft(event.target.value)} />
          </label>
          <button type="submit" aria-label="Apply thresholds" disabled={disabled}>
            Apply
          </button>
          <button type="button" aria-label="The study's thresholds" disabled={disabled} onClick={() => updateSettings({ kIndexThresholds: DEFAULT_VIEW_SETTINGS.kIndexThresholds })}>
            20, 35
          </button>
        </form>
        <label className="field">
          <span>Threshold shown</span>
          <select aria-label="Threshold shown" value={shown} onChange={(event) => updateSettings({ kIndexShown: Number(event.target.value) })}>
            {thresholds.map((threshold) => (
              <option key={threshold} value={threshold}>
                K &gt; {threshold}
              </option>
            ))}
          </select>
        </label>
        <SplitFields study="k-index" label="K-index split" split={settings.kIndexSplit} onChange={(kIndexSplit) => updateSettings({ kIndexSplit })} />
      </section>
    </>
  );
}
