// The Sweep panel: the view's study probed over many times and latent levels. Its settings (times,
// levels, baselines, seeds, the transfer matrix, the metric shown) go into the link; Run sweep fits
// the cells in the probes worker, each drawn as it finishes; Cancel keeps them. The chart, heat map
// and drift charts open a cell in the explorer views on a click.
import { useRef, useState } from 'react';
import { describeError } from '../../describe-error.ts';
import { sweepSettingsSchema, LATENT_LEVELS, type SweepViewSettings } from '../../state/view-settings.ts';
import { useExplorer } from '../../state/store.ts';
import { levelName, SWEEP_METRIC_LABELS, SWEEP_METRICS, sweepCsv, type SweepMetric } from '../../studies/sweep-table.ts';
import { SWEEP_BASELINES, type SweepBaseline } from '../../studies/sweep.ts';
import { saveFile } from '../../views/export.ts';
import { SweepChart } from '../../views/sweep/SweepChart.tsx';
import { SweepHeatmap } from '../../views/sweep/SweepHeatmap.tsx';
import { svgToPng } from '../../views/svg-png.ts';
import { useSweep } from './sweep-store.ts';
import './sweep.css';

/** The notice of settings that cannot run; a sweep that can run dismisses it. */
const SETTINGS_NOTICE_TITLE = 'The sweep cannot run';

export const DEFAULT_SWEEP: SweepViewSettings = { times: 'every:1', levels: [0, 1, 2, 3], metric: 'accuracy', baselines: ['shuffled', 'control'], seeds: null, transfer: false };

interface Draft {
  times: string;
  levels: number[];
  baselines: SweepBaseline[];
  seeds: string;
  transfer: boolean;
}

const draftOf = (sweep: SweepViewSettings): Draft => ({ times: sweep.times, levels: [...sweep.levels], baselines: [...sweep.baselines], seeds: sweep.seeds?.join(',') ?? '', transfer: sweep.transfer });

export interface SweepPanelProps {
  /** Runs the sweep of the settings' `sweep` (already written there). */
  onRun(): void;
  onCancel(): void;
  /** Opens a cell's time and level in the explorer views. */
  onOpen(time: string, level: number): void;
}

export function SweepPanel({ onRun, onCancel, onOpen }: SweepPanelProps) {
  const sweepSettings = useExplorer((state) => state.settings.sweep);
  const updateSettings = useExplorer((state) => state.updateSettings);
  const notify = useExplorer((state) => state.notify);
  const dismissNoticesTitled = useExplorer((state) => state.dismissNoticesTitled);
  const sweep = sweepSettings ?? DEFAULT_SWEEP;
  const [draft, setDraft] = useState<Draft>(() => draftOf(sweep));
  const { status, times, levels, cells, skipped, transfer, progress, fromCache, description, error } = useSweep();
  const chart = useRef<SVGSVGElement>(null);
  const metric = sweep.metric;
  const running = status === 'running';

  const run = () => {
    const candidate = {
      times: draft.times.trim(),
      levels: [...draft.levels].sort((a, b) => a - b),
      metric,
      baselines: SWEEP_BASELINES.filter((baseline) => draft.baselines.includes(baseline)),
      seeds: draft.seeds.trim() === '' ? null : draft.seeds.split(',').map((part) => (part.trim() === '' ? Number.NaN : Number(part))),
      transfer: draft.transfer,
    };
    const checked = sweepSettingsSchema.safeParse(candidate);
    if (!checked.success) {
      const issue = checked.error.issues[0];
      notify('error', SETTINGS_NOTICE_TITLE, `${String(issue.path[0] ?? 'sweep')}: ${issue.message}`);
      return;
    }
    dismissNoticesTitled(SETTINGS_NOTICE_TITLE);
    updateSettings({ sweep: checked.data });
    onRun();
  };
  const setMetric = (next: SweepMetric) => updateSettings({ sweep: { ...sweep, metric: next } });
  const exportPng = async () => {
    if (!chart.current) return;
    try {
      saveFile(`sweep-${metric}.png`, await svgToPng(chart.current));
    } catch (caught) {
      notify('error', 'The PNG could not be made', describeError(caught));
    }
  };
  const toggle = <T,>(values: readonly T[], value: T, on: boolean): T[] => (on ? [...values, value] : values.filter((entry) => entry !== value));
  const total = times.length * levels.length;

  return (
    <section className="sweep-panel" aria-label="Sweep">
      <div className="sweep-settings">
        <label className="field" title="A list of ISO times, every:K (every K-th time of the store), FROM..TO or every:K:FROM..TO">
          <span>Times</span>
          <input type="text" aria-label="Sweep times" value={draft.times} disabled={running} onChange={(event) => setDraft({ ...draft, times: event.target.value })} />
        </label>
        <fieldset className="field" disabled={running}>
          <span>Latent levels</span>
          <div className="sweep-checks">
            {LATENT_LEVELS.map((level) => (
              <label key={level}>
                <input type="checkbox" checked={draft.levels.includes(level)} onChange={(event) => setDraft({ ...draft, levels: toggle(draft.levels, level, event.target.checked) })} />
                {levelName(level)}
              </label>
            ))}
          </div>
        </fieldset>
        <fieldset className="field" disabled={running}>
          <span>Baselines (majority always)</span>
          <div className="sweep-checks">
            {SWEEP_BASELINES.map((baseline) => (
              <label key={baseline}>
                <input type="checkbox" checked={draft.baselines.includes(baseline)} onChange={(event) => setDraft({ ...draft, baselines: toggle(draft.baselines, baseline, event.target.checked) })} />
                {baseline === 'control' ? 'control task' : 'shuffled labels'}
              </label>
            ))}
          </div>
        </fieldset>
        <label className="field" title="Comma-separated seeds of the split, the label permutation and the control cells; the band is ± sd over seeds and folds">
          <span>Seeds</span>
          <input type="text" aria-label="Sweep seeds" placeholder="the split's seed" value={draft.seeds} disabled={running} onChange={(event) => setDraft({ ...draft, seeds: event.target.value })} />
        </label>
        <label className="sweep-check" title="Each time's probe tested at every other time, no refit">
          <input type="checkbox" checked={draft.transfer} disabled={running} onChange={(event) => setDraft({ ...draft, transfer: event.target.checked })} />
          time-transfer matrix
        </label>
        <div className="sweep-buttons">
          <button type="button" className="primary" disabled={running} onClick={run}>
            Run sweep
          </button>
          <button type="button" disabled={!running} onClick={onCancel}>
            Cancel
          </button>
        </div>
      </div>

      <div className="sweep-status" role="status" aria-live="polite">
        {running && progress && (
          <span>
            cell {progress.cell} of {progress.cells}: {progress.message}
          </span>
        )}
        {running && !progress && <span>starting…</span>}
        {!running && status !== 'idle' && (
          <span>
            {status === 'done' ? 'done' : status}: {cells.length} of {total} cells{fromCache > 0 ? ` (${fromCache} from the cache)` : ''}
            {skipped.length > 0 ? `, ${skipped.length} skipped` : ''}
            {error ? ` — ${error}` : ''}
          </span>
        )}
        {description && <span className="sweep-description">{description}</span>}
      </div>

      {times.length > 0 && (
        <>
          <div className="sweep-toolbar">
            <label className="field compact">
              <span>Metric</span>
              <select aria-label="Sweep metric" value={metric} onChange={(event) => setMetric(event.target.value as SweepMetric)}>
                {SWEEP_METRICS.map((entry) => (
                  <option key={entry} value={entry}>
                    {SWEEP_METRIC_LABELS[entry]}
                  </option>
                ))}
              </select>
            </label>
            <button type="button" disabled={cells.length === 0} onClick={() => saveFile('sweep.csv', sweepCsv(cells), 'text/csv')}>
              CSV of all cells
            </button>
            <button type="button" disabled={cells.length === 0} onClick={() => void exportPng()}>
              PNG of the chart
            </button>
          </div>
          <div className="sweep-charts">
            <figure>
              <figcaption>{SWEEP_METRIC_LABELS[metric]} by time and level (click a point to open it)</figcaption>
              <SweepChart ref={chart} cells={cells} times={times} levels={levels} metric={metric} onOpen={onOpen} />
            </figure>
            <figure className="sweep-drift" aria-label="Drift of the latent space">
              <figcaption>Drift of each level: PC1 against the first time's, and the mean latent norm</figcaption>
              <SweepChart cells={cells} times={times} levels={levels} metric="pc1Cosine" yLabel="|cos| PC1" onOpen={onOpen} width={380} height={170} />
              <SweepChart cells={cells} times={times} levels={levels} metric="meanNormChange" yLabel="norm change" onOpen={onOpen} width={380} height={170} />
            </figure>
          </div>
          <figure>
            <figcaption>{SWEEP_METRIC_LABELS[metric]}, level × time</figcaption>
            <SweepHeatmap cells={cells} times={times} levels={levels} metric={metric} onOpen={onOpen} />
          </figure>
          {transfer && <TransferTables matrices={transfer} />}
          {skipped.length > 0 && (
            <ul className="sweep-skipped" aria-label="Skipped cells">
              {skipped.map((entry) => (
                <li key={`${entry.time} ${entry.level}`}>
                  {entry.time} UTC, {levelName(entry.level)}: {entry.reason}
                </li>
              ))}
            </ul>
          )}
        </>
      )}
    </section>
  );
}

function TransferTables({ matrices }: { matrices: NonNullable<ReturnType<typeof useSweep.getState>['transfer']> }) {
  return (
    <div className="sweep-transfer">
      {matrices.map((matrix) => (
        <table key={matrix.level} aria-label={`Time transfer, ${levelName(matrix.level)}`}>
          <caption>
            {levelName(matrix.level)}: accuracy of the probe fitted at the row's time on the column's time (no refit)
          </caption>
          <thead>
            <tr>
              <th>fitted \ tested</th>
              {matrix.times.map((time) => (
                <th key={time}>{time.slice(5).replace('T', ' ')}</th>
              ))}
            </tr>
          </thead>
          <tbody>
            {matrix.accuracy.map((row, a) => (
              <tr key={matrix.times[a]}>
                <th>{matrix.times[a].slice(5).replace('T', ' ')}</th>
                {row.map((value, b) => (
                  <td key={matrix.times[b]} className={a === b ? 'diagonal' : undefined}>
                    {value === null ? '–' : value.toFixed(3)}
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      ))}
    </div>
  );
}
