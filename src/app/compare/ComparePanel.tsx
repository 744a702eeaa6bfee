// The Compare panel: the chosen model and its baselines side by side, one row each, accuracy as a bar
// with the majority-class accuracy marked on it, so that a probe is read against what it must beat.
import { useRef, type ReactNode } from 'react';
import { BASELINES, type Baseline } from '../../studies/compare.ts';
import type { ArmSummary, ProbeCard, Spread } from '../../studies/compare-card.ts';
import './compare.css';

const percent = (value: number) => (Number.isFinite(value) ? `${(100 * value).toFixed(1)} %` : '—');
const withSpread = (value: Spread) => (value.n > 1 ? `${percent(value.mean)} ± ${(100 * value.sd).toFixed(1)}` : percent(value.mean));

function AccuracyBar({ accuracy, majority }: { accuracy: Spread; majority: Spread }) {
  const width = Number.isFinite(accuracy.mean) ? 100 * accuracy.mean : 0;
  return (
    <div className="compare-bar" role="img" aria-label={`accuracy ${percent(accuracy.mean)}, majority ${percent(majority.mean)}`}>
      <div className="compare-bar-fill" style={{ width: `${width}%` }} />
      {accuracy.n > 1 && <div className="compare-bar-spread" style={{ left: `${100 * (accuracy.mean - accuracy.sd)}%`, width: `${200 * accuracy.sd}%` }} />}
      {Number.isFinite(majority.mean) && <div className="compare-bar-majority" style={{ left: `${100 * majority.mean}%` }} title={`majority class ${percent(majority.mean)}`} />}
    </div>
  );
}

/**
 * One arm's row. `full` adds the columns the side panel has no room for (D, ROC-AUC, C); the panel's table keeps
 * the full names, wrapped, and the comparison itself.
 */
function ArmRow({ arm, full }: { arm: ArmSummary; full: boolean }) {
  // The control task is scored on held-out cells, where chance is expected.
  const accuracy = arm.heldOutCells?.accuracy ?? arm.accuracy;
  const majority = arm.heldOutCells?.majority ?? arm.majority;
  return (
    <tr data-arm={arm.arm}>
      <th scope="row" title={arm.sources.join(', ')}>
        {arm.label}
        {!arm.converged && <span className="compare-warning"> (not converged)</span>}
      </th>
      {full && <td className="compare-number">{arm.features}</td>}
      <td>
        <AccuracyBar accuracy={accuracy} majority={majority} />
      </td>
      <td className="compare-number">{withSpread(accuracy)}</td>
      <td className="compare-number">{withSpread(majority)}</td>
      {full && <td className="compare-number">{arm.rocAuc.n > 0 ? arm.rocAuc.mean.toFixed(3) : '—'}</td>}
      {full && (
        <td className="compare-number" title="C per fitted probe">
          {arm.C.map((c) => `${c.value}${arm.C.length > 1 ? ` ×${c.folds}` : ''}`).join(', ')}
        </td>
      )}
    </tr>
  );
}

function CompareTable({ card, full, name }: { card: ProbeCard; full: boolean; name: string }) {
  return (
    <table className={`compare-table${full ? ' compare-table-full' : ''}`} aria-label={name}>
      <thead>
        <tr>
          <th scope="col">Features</th>
          {full && <th scope="col">D</th>}
          <th scope="col" title="Accuracy as a bar; the red line is the majority class's">vs majority</th>
          <th scope="col">Accuracy</th>
          <th scope="col">Majority</th>
          {full && <th scope="col">ROC-AUC</th>}
          {full && <th scope="col">C</th>}
        </tr>
      </thead>
      <tbody>
        {card.arms.map((arm) => (
          <ArmRow key={arm.arm} arm={arm} full={full} />
        ))}
      </tbody>
    </table>
  );
}

function CardFacts({ card }: { card: ProbeCard }) {
  return (
    <p className="compare-facts">
      {card.target}; {card.times.join(', ')}; level {card.level}; {card.split}; seeds {card.seeds.join(', ')}; n train {card.nTrain}, n test {card.nTest};{' '}
      {percent(card.positiveRate)} positive{card.areaWeights ? '; cos-latitude weights' : ''}
    </p>
  );
}

/** Points below the majority class beyond which a shuffled-label probe is fitting noise, not missing signal. */
const SHUFFLED_DEFICIT_NOTE_POINTS = 3;

/**
 * Labels permuted leave nothing to learn, so a probe at its best predicts the majority class; one far
 * below it has fitted noise (too little regularisation for its features and rows), which the reader
 * should not take for a flaw of the features.
 */
function shuffledDeficitNote(card: ProbeCard): string | null {
  const shuffled = card.arms.find((arm) => arm.arm === 'shuffled');
  if (!shuffled) return null;
  const deficit = 100 * (shuffled.majority.mean - shuffled.accuracy.mean);
  if (!(deficit > SHUFFLED_DEFICIT_NOTE_POINTS)) return null;
  return `The shuffled-label probe scores ${deficit.toFixed(1)} points below the majority class: with C ${shuffled.C.map((c) => c.value).join(', ')} it fits noise in ${shuffled.features} features. "C by cross-validation" lets each probe choose its regularisation on its training rows.`;
}

export interface ComparePanelProps {
  card: ProbeCard | null;
  running: boolean;
  error: string | null;
  /** What is being done now, while running. */
  status?: string;
  /** Facts the table alone would hide, e.g. a baseline left out. */
  notes?: readonly string[];
  /** Controls shown above the button, e.g. which baselines to fit. */
  children?: ReactNode;
  onRun(): void;
}

export function ComparePanel({ card, running, error, status, notes = [], children, onRun }: ComparePanelProps) {
  const shuffledNote = card ? shuffledDeficitNote(card) : null;
  const dialog = useRef<HTMLDialogElement>(null);
  const selectivity = card?.selectivity && (
    <p className="compare-facts">
      Selectivity (model − control on held-out cells): <strong className="compare-number">{withSpread(card.selectivity)}</strong>
    </p>
  );
  return (
    <section className="panel-section compare-panel" aria-label="Compare">
      <h2>Compare</h2>
      {children}
      <button type="button" onClick={onRun} disabled={running}>
        {running ? 'Comparing…' : 'Run comparison'}
      </button>
      {running && status && (
        <p className="compare-facts" role="status">
          {status}
        </p>
      )}
      {error && <p className="compare-warning">{error}</p>}
      {notes.map((note) => (
        <p key={note} className="compare-facts compare-note">
          {note}
        </p>
      ))}
      {card && (
        <>
          <CardFacts card={card} />
          <CompareTable card={card} full={false} name="Comparison" />
          <button type="button" className="compare-open" onClick={() => dialog.current?.showModal()}>
            Full table (D, ROC-AUC, C)
          </button>
          {shuffledNote && <p className="compare-facts compare-note">{shuffledNote}</p>}
          {selectivity}
          <dialog ref={dialog} className="compare-dialog" aria-label="Comparison, every column">
            <div className="compare-dialog-head">
              <h2>Compare</h2>
              <button type="button" onClick={() => dialog.current?.close()}>
                Close
              </button>
            </div>
            <CardFacts card={card} />
            <CompareTable card={card} full name="Comparison, every column" />
            {shuffledNote && <p className="compare-facts compare-note">{shuffledNote}</p>}
            {selectivity}
          </dialog>
        </>
      )}
    </section>
  );
}

const BASELINE_TITLES: Record<Baseline, string> = {
  untrained: 'Untrained encoder',
  raw: 'Raw input patch',
  shuffled: 'Shuffled labels',
  control: 'Control task',
};

export interface CompareChoicesProps {
  /** The baselines this run can have (a latent store with no ERA5 beside it has no encoder arms). */
  offered: readonly Baseline[];
  chosen: readonly Baseline[];
  onChosen(baselines: Baseline[]): void;
  tuneC: boolean;
  onTuneC(on: boolean): void;
  disabled: boolean;
}

/** Which baselines to fit, and how each probe's C is set: the same controls for both studies. */
export function CompareChoices({ offered, chosen, onChosen, tuneC, onTuneC, disabled }: CompareChoicesProps) {
  const toggle = (baseline: Baseline, on: boolean) => onChosen(offered.filter((item) => (item === baseline ? on : chosen.includes(item))));
  const missing = BASELINES.filter((baseline) => !offered.includes(baseline));
  return (
    <>
      <fieldset className="compare-baselines">
        <legend>Baselines</legend>
        {offered.map((baseline) => (
          <label key={baseline}>
            <input type="checkbox" checked={chosen.includes(baseline)} disabled={disabled} onChange={(event) => toggle(baseline, event.target.checked)} />
            {BASELINE_TITLES[baseline]}
          </label>
        ))}
        {missing.length > 0 && (
          <p className="store-status">
            {missing.map((baseline) => BASELINE_TITLES[baseline]).join(' and ')}: need ERA5 and a model; give an ERA5 store beside the latent store.
          </p>
        )}
      </fieldset>
      <label className="compare-tune" title="Each probe's C chosen among 0.001-10 by 3-fold spatial cross-validation on its own training rows (slower): a probe that cannot learn its labels then predicts the majority class">
        <input type="checkbox" checked={tuneC} disabled={disabled} onChange={(event) => onTuneC(event.target.checked)} />
        C by cross-validation
      </label>
    </>
  );
}

/** The baselines a run can have: the encoder arms need ERA5 (encoded, or beside a latent store). */
export function offeredBaselines(era5: boolean): readonly Baseline[] {
  return era5 ? BASELINES : BASELINES.filter((baseline) => baseline !== 'untrained' && baseline !== 'raw');
}
