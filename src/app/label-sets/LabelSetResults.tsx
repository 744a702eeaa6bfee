// Pieces of the results panel of a study with label sets (studies 2 and 3): one table row per label
// set's probe (positive rate, accuracy, precision, recall, F1, ROC-AUC), the shown probe's
// precision-recall curve with a decision-threshold slider, the rows per nested class, what ran where,
// and the inspected row.
import { useMemo, type ReactNode } from 'react';
import type { ProbeEvaluation } from '../../studies/evaluate.ts';
import type { StudyRows } from '../../studies/label-sets.ts';
import { describeSplit, type SplitChoice } from '../../studies/split.ts';
import { formatPlace } from '../../views/index.ts';
import { timeLabel } from './LabelSetViews.tsx';
import { PrCurve } from './PrCurve.tsx';
import { DEFAULT_DECISION_THRESHOLD, type RowsRun, type RowsStore } from './rows-store.ts';
import { tradeOffAt, type LabelSetProbe } from './rows-view.ts';
import './label-sets.css';

export const percent = (value: number) => (Number.isFinite(value) ? `${(value * 100).toFixed(1)} %` : '—');
export const decimal = (value: number) => (Number.isFinite(value) ? value.toFixed(3) : '—');

/** The split in words, with its seed and (for leave-one-time-out) its folds. */
export function splitDescription(split: SplitChoice, timeCount: number): string {
  const folds = split.kind === 'leave-one-time-out' ? `; ${timeCount} folds` : '';
  return `${describeSplit(split)}${'seed' in split ? `; seed ${split.seed}` : ''}${folds}`;
}

/** What the panel reads of a study's result: its rows over its times, split, level and classes. */
export interface LabelSetResult {
  times: Date[];
  rows: StudyRows;
  level: number;
  split: SplitChoice;
  classNames: string[];
  classCounts: number[];
}

/** The probes section: how many rows over how many times, the split, then the table (`children`). */
export function ProbesSection({ label, result, children }: { label: string; result: LabelSetResult; children: ReactNode }) {
  return (
    <section className="panel-section" aria-label={label}>
      <h2>Probes on the test rows</h2>
      <p className="store-status">
        {result.rows.time.length} points ({result.times.length} times, level {result.level}); {splitDescription(result.split, result.times.length)}
      </p>
      {children}
    </section>
  );
}

export type TableProbe = ProbeEvaluation & { positiveRate: number };

export interface LabelSetTableProps {
  /** The table's accessible name, and the first column's head ('pct', 'K >'). */
  label: string;
  head: string;
  /** Each probe with its key (a percentile, a threshold) and its short name ('p99', '35'). */
  probes: ReadonlyArray<{ key: number; name: string; probe: TableProbe }>;
  shown: number;
  onShow(key: number): void;
  /** The data attribute each row carries its key in, for tests: 'percentile' or 'threshold'. */
  keyAttribute: string;
  /** What "show" says for a row, e.g. 'Show p99'. */
  showLabel(name: string): string;
}

export function LabelSetTable({ label, head, probes, shown, onShow, keyAttribute, showLabel }: LabelSetTableProps) {
  return (
    <>
      <table className="metrics label-set-table" aria-label={label}>
        <thead>
          <tr>
            <th>{head}</th>
            <th title="Positives among all points">pos.</th>
            <th>acc.</th>
            <th>prec.</th>
            <th>recall</th>
            <th>F1</th>
            <th>AUC</th>
          </tr>
        </thead>
        <tbody>
          {probes.map(({ key, name, probe }) => (
            <tr key={key} className={key === shown ? 'active' : ''} {...{ [`data-${keyAttribute}`]: key }}>
              <th>
                <button type="button" aria-label={showLabel(name)} onClick={() => onShow(key)}>
                  {name}
                </button>
              </th>
              <td data-metric="positive-rate">{percent(probe.positiveRate)}</td>
              <td data-metric="accuracy">{decimal(probe.metrics.accuracy)}</td>
              <td data-metric="precision">{decimal(probe.metrics.precision)}</td>
              <td data-metric="recall">{decimal(probe.metrics.recall)}</td>
              <td data-metric="f1">{decimal(probe.metrics.f1)}</td>
              <td data-metric="roc-auc">{decimal(probe.metrics.rocAuc)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {!probes.every(({ probe }) => probe.converged) && <p className="store-status warning">A probe's solver did not converge; its row is approximate.</p>}
    </>
  );
}

export interface TradeOffProps {
  /** The shown probe, its name ('p99', 'K > 35'), and what a positive is ('truly above', 'truly unstable'). */
  probe: LabelSetProbe & Pick<ProbeEvaluation, 'prCurve' | 'nTest' | 'testPositives'>;
  name: string;
  positives: string;
  threshold: number;
  onThreshold(threshold: number): void;
}

export function TradeOff({ probe, name, positives, threshold, onThreshold }: TradeOffProps) {
  const atThreshold = useMemo(() => tradeOffAt(probe, threshold), [probe, threshold]);
  const [[, fp], [, tp]] = atThreshold.confusion;
  return (
    <section className="panel-section" aria-label="Precision-recall trade-off">
      <h2>Precision and recall, {name}</h2>
      <PrCurve curve={probe.prCurve} marker={{ precision: atThreshold.precision, recall: atThreshold.recall }} />
      <label className="field">
        <span>
          Decision threshold {threshold.toFixed(2)}
          {threshold !== DEFAULT_DECISION_THRESHOLD && ' (the table uses 0.50)'}
        </span>
        <input aria-label="Decision threshold" type="range" min={0.01} max={0.99} step={0.01} value={threshold} onChange={(event) => onThreshold(Number(event.target.value))} />
      </label>
      <dl className="kv" aria-label="At the threshold">
        <dt>Precision</dt>
        <dd data-testid="threshold-precision">{decimal(atThreshold.precision)}</dd>
        <dt>Recall</dt>
        <dd data-testid="threshold-recall">{decimal(atThreshold.recall)}</dd>
        <dt>F1</dt>
        <dd>{decimal(atThreshold.f1)}</dd>
        <dt>Flagged test rows</dt>
        <dd>
          {tp + fp} of {probe.nTest} ({probe.testPositives} {positives})
        </dd>
      </dl>
    </section>
  );
}

/** The rows per nested class, and what else the reader must know of them (`children`). */
export function ClassesSection({ result, children }: { result: LabelSetResult; children?: ReactNode }) {
  const total = result.rows.time.length;
  return (
    <section className="panel-section" aria-label="Class counts">
      <h2>Classes</h2>
      <dl className="kv">
        {result.classNames.map((name, k) => (
          <div key={name} style={{ display: 'contents' }}>
            <dt>{name}</dt>
            <dd>
              {result.classCounts[k]} ({percent(result.classCounts[k] / total)})
            </dd>
          </div>
        ))}
      </dl>
      {children}
    </section>
  );
}

/** Where the run's encoder and probes ran, with more of the run's sources as `children` (<dt>/<dd> pairs). */
export function BackendsSection({ run, children }: { run: { encoderBackend: string; probeBackend: string; fallbackReason: string | null }; children?: ReactNode }) {
  return (
    <section className="panel-section" aria-label="Backends">
      <h2>Ran on</h2>
      <dl className="kv">
        <dt>Encoder</dt>
        <dd>{run.encoderBackend}</dd>
        <dt>Probes (tfjs)</dt>
        <dd>{run.probeBackend}</dd>
        {children}
      </dl>
      {run.fallbackReason && <p className="store-status">{run.fallbackReason}</p>}
    </section>
  );
}

export interface InspectedProbe {
  key: number;
  /** The label set, as the table's first column shows it ('p99', '35 °C'). */
  name: string;
  probe: LabelSetProbe;
  /** The row's own cells of this label set between its name and label, e.g. its threshold. */
  cells?: ReactNode;
}

export interface RowInspectorProps<Run extends RowsRun> {
  store: RowsStore<Run>;
  result: Pick<LabelSetResult, 'times' | 'rows'>;
  /** The inspected row's facts after its time, as <dt>/<dd> pairs. */
  facts(row: number): ReactNode;
  /** The heads of the probes table: the label set's, its own cells', the label's and its probability's. */
  heads: readonly string[];
  probes(row: number): InspectedProbe[];
}

/** The inspected row, if any: its place, time and facts, and each probe's label and test probability on it. */
export function RowInspector<Run extends RowsRun>({ store, result, facts, heads, probes }: RowInspectorProps<Run>) {
  const row = store((state) => state.inspectedRow);
  const inspect = store((state) => state.inspect);
  if (row === null || row >= result.rows.time.length) return null;
  return (
    <section className="panel-section inspector" aria-label="Inspector">
      <h2>
        {formatPlace(result.rows.centreLat[row], result.rows.centreLon[row])}
        <button type="button" className="close" aria-label="Close inspector" onClick={() => inspect(null)}>
          ×
        </button>
      </h2>
      <dl className="kv">
        <dt>Time</dt>
        <dd>{timeLabel(result.times[result.rows.time[row]])}</dd>
        {facts(row)}
      </dl>
      <table className="metrics" aria-label="Thresholds and probes">
        <thead>
          <tr>
            {heads.map((head, k) => (
              <th key={k}>{head}</th>
            ))}
          </tr>
        </thead>
        <tbody>
          {probes(row).map(({ key, name, probe, cells }) => {
            const k = probe.testRows.indexOf(row);
            const probability = k < 0 ? null : probe.testProbabilities[k];
            const wrong = probability !== null && probability >= DEFAULT_DECISION_THRESHOLD !== (probe.labels[row] === 1);
            return (
              <tr key={key}>
                <th>{name}</th>
                {cells}
                <td>{probe.labels[row] === 1 ? 'yes' : 'no'}</td>
                <td className={wrong ? 'wrong' : ''}>{probability === null ? 'trained on' : probability.toFixed(3)}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </section>
  );
}
