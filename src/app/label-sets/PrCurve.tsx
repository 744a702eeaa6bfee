// A small precision-recall curve as SVG: recall across, precision up, with the point the decision
// threshold gives. The curve is the pooled test predictions' (src/probes/metrics.ts).
import type { PrecisionRecallCurve } from '../../probes/metrics.ts';

const WIDTH = 300;
const HEIGHT = 170;
const PAD = { left: 34, right: 8, top: 8, bottom: 26 };

export function PrCurve({ curve, marker }: { curve: PrecisionRecallCurve; marker: { precision: number; recall: number } }) {
  const x = (recall: number) => PAD.left + recall * (WIDTH - PAD.left - PAD.right);
  const y = (precision: number) => HEIGHT - PAD.bottom - precision * (HEIGHT - PAD.top - PAD.bottom);
  const points = Array.from(curve.recall, (recall, k) => `${x(recall).toFixed(1)},${y(curve.precision[k]).toFixed(1)}`).join(' ');
  const ticks = [0, 0.5, 1];
  const showMarker = Number.isFinite(marker.precision) && Number.isFinite(marker.recall);
  return (
    <svg className="pr-curve" viewBox={`0 0 ${WIDTH} ${HEIGHT}`} role="img" aria-label="Precision-recall curve" data-curve-points={curve.recall.length}>
      <rect x={PAD.left} y={PAD.top} width={WIDTH - PAD.left - PAD.right} height={HEIGHT - PAD.top - PAD.bottom} className="pr-frame" />
      {ticks.map((tick) => (
        <g key={tick} className="pr-tick">
          <text x={x(tick)} y={HEIGHT - PAD.bottom + 13} textAnchor="middle">
            {tick}
          </text>
          <text x={PAD.left - 5} y={y(tick) + 4} textAnchor="end">
            {tick}
          </text>
        </g>
      ))}
      <text x={(PAD.left + WIDTH - PAD.right) / 2} y={HEIGHT - 2} textAnchor="middle" className="pr-axis">
        recall
      </text>
      <text x={10} y={(PAD.top + HEIGHT - PAD.bottom) / 2} textAnchor="middle" className="pr-axis" transform={`rotate(-90 10 ${(PAD.top + HEIGHT - PAD.bottom) / 2})`}>
        precision
      </text>
      <polyline points={points} className="pr-line" />
      {showMarker && <circle cx={x(marker.recall)} cy={y(marker.precision)} r={4.5} className="pr-marker" />}
    </svg>
  );
}
