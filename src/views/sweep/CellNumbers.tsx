// A sweep cell's numbers, for the hover of the chart and the heat map.
import { PROBE_SCORES } from '../../probes/metrics.ts';
import { levelName, SWEEP_METRIC_LABELS, type SweepMetric } from '../../studies/sweep-table.ts';
import type { SweepCell } from '../../studies/sweep.ts';

const number = (value: number | null, digits = 3) => (value === null || !Number.isFinite(value) ? '–' : value.toFixed(digits));

export function CellNumbers({ cell, highlight }: { cell: SweepCell; highlight?: SweepMetric }) {
  const spreadNote = cell.fits > 1 ? `± sd over ${cell.fits} fits (seeds × folds)` : 'one fit: no spread';
  return (
    <div className="cell-numbers">
      <strong>
        {cell.time} UTC, {levelName(cell.level)}
      </strong>
      <table>
        <tbody>
          {PROBE_SCORES.map((score) => (
            <tr key={score} className={highlight === score ? 'highlight' : undefined}>
              <th>{SWEEP_METRIC_LABELS[score]}</th>
              <td>
                {number(cell.scores[score].value)}
                {cell.fits > 1 && ` ± ${number(cell.scores[score].sd)}`}
              </td>
            </tr>
          ))}
          <tr>
            <th>majority class</th>
            <td>{number(cell.majority)}</td>
          </tr>
          <tr>
            <th>shuffled labels</th>
            <td>{number(cell.shuffled)}</td>
          </tr>
          <tr>
            <th>control task (held-out cells)</th>
            <td>{number(cell.control)}</td>
          </tr>
          <tr className={highlight === 'selectivity' ? 'highlight' : undefined}>
            <th>selectivity</th>
            <td>{number(cell.selectivity)}</td>
          </tr>
          <tr className={highlight === 'pc1' || highlight === 'pc2' ? 'highlight' : undefined}>
            <th>PC1, PC2 explained</th>
            <td>
              {number(cell.pc1)}, {number(cell.pc2)}
            </td>
          </tr>
          <tr className={highlight === 'pc1Cosine' ? 'highlight' : undefined}>
            <th>|cos| PC1 to first time</th>
            <td>{number(cell.pc1Cosine)}</td>
          </tr>
          <tr className={highlight === 'meanNormChange' ? 'highlight' : undefined}>
            <th>mean norm (change)</th>
            <td>
              {number(cell.meanNorm, 2)} ({cell.meanNormChange >= 0 ? '+' : ''}
              {(100 * cell.meanNormChange).toFixed(1)} %)
            </td>
          </tr>
          <tr>
            <th>n train / test</th>
            <td>
              {cell.nTrain} / {cell.nTest}
            </td>
          </tr>
          <tr>
            <th>positive rate</th>
            <td>{number(cell.positiveRate)}</td>
          </tr>
        </tbody>
      </table>
      <p className="cell-note">
        {spreadNote}
        {cell.converged ? '' : '; a solver did not converge'}
      </p>
    </div>
  );
}
