// Pieces of the results panel of a study with label sets (studies 2 and 3): one table row per label
// set's probe (positive rate, accuracy, precision, recall, F1, ROC-AUC), the shown probe's
// precision-recall curve with a decision-threshold slider, and the rows per nested class.
import { useMemo } from 'react';
import type { ProbeEvaluation } from '../../studies/evaluate.ts';
import { describeSplit, type SplitChoice } from '../../studies/split.ts';
import { PrCurve } from '../extremes/PrCurve.tsx';
import { DEFAULT_DECISION_THRESHOLD } from './rows-store.ts';
import { tradeOffAt, type LabelSetProbe } from './rows-view.ts';

export const percent = (value: number) => (Number.isFinite(value) ? `${(value * 100).toFixed(1)} %` : '—');
export const decimal = (value: number) => (Number.isFinite(value) ? value.toFixed(3) : '—');

/** The split in words, with its seed and (for leave-one-time-out) its folds. */
export function splitDescription(split: SplitChoice, timeCount: number): string {
  const folds = split.kind === 'leave-one-time-out' ? `; ${timeCount} folds` : '';
  return `${describeSplit(split)}${'seed' in split ? `; seed ${split.seed}` : ''}${folds}`;
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
      <table className="metrics extremes-table" aria-label={label}>
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

export function ClassCounts({ names, counts, total }: { names: readonly string[]; counts: readonly number[]; total: number }) {
  return (
    <dl className="kv">
      {names.map((name, k) => (
        <div key={name} style={{ display: 'contents' }}>
          <dt>{name}</dt>
          <dd>
            {counts[k]} ({percent(counts[k] / total)})
          </dd>
        </div>
      ))}
    </dl>
  );
}
