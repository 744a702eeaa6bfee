// A sweep's heat map: latent levels down (the surface first), times across, each cell coloured by the
// chosen metric on a ramp over the values present and labelled with its value. Cells not yet fitted
// are left empty. Hover shows the numbers; a click asks to open that time and level.
import { useState } from 'react';
import { cellMetric, levelName, SWEEP_METRIC_LABELS, type SweepMetric } from '../../studies/sweep-table.ts';
import type { SweepCell } from '../../studies/sweep.ts';
import { CellNumbers } from './CellNumbers.tsx';
import { heatColour } from './heat-colour.ts';
import { shortTime } from './sweep-chart-model.ts';
import { CHART_BACKGROUND, CHART_TEXT } from './SweepChart.tsx';

export interface SweepHeatmapProps {
  cells: readonly SweepCell[];
  times: readonly string[];
  levels: readonly number[];
  metric: SweepMetric;
  onOpen?: (time: string, level: number) => void;
  width?: number;
}

const ROW_HEIGHT = 28;
const PAD = { left: 64, top: 6, bottom: 40, right: 8 };

export function SweepHeatmap({ cells, times, levels, metric, onOpen, width = 560 }: SweepHeatmapProps) {
  const [hovered, setHovered] = useState<{ cell: SweepCell; x: number; y: number } | null>(null);
  const cellWidth = (width - PAD.left - PAD.right) / Math.max(1, times.length);
  const height = PAD.top + levels.length * ROW_HEIGHT + PAD.bottom;
  const values = cells.map((cell) => cellMetric(cell, metric).value).filter(Number.isFinite);
  const low = values.length > 0 ? Math.min(...values) : 0;
  const high = values.length > 0 ? Math.max(...values) : 1;
  const manyYears = new Set(times.map((time) => time.slice(0, 4))).size > 1;
  const labelEvery = Math.max(1, Math.ceil(70 / cellWidth));
  return (
    <div className="sweep-heatmap" style={{ position: 'relative', width }}>
      <svg xmlns="http://www.w3.org/2000/svg" width={width} height={height} role="img" aria-label={`Heat map of ${SWEEP_METRIC_LABELS[metric]}, level by time`} fontFamily="system-ui, sans-serif" fontSize={11}>
        <rect x={0} y={0} width={width} height={height} fill={CHART_BACKGROUND} />
        {levels.map((level, row) => (
          <text key={level} x={PAD.left - 6} y={PAD.top + row * ROW_HEIGHT + ROW_HEIGHT / 2 + 4} textAnchor="end" fill={CHART_TEXT}>
            {levelName(level)}
          </text>
        ))}
        {times.map((time, column) =>
          column % labelEvery === 0 ? (
            <text key={time} x={PAD.left + (column + 0.5) * cellWidth} y={PAD.top + levels.length * ROW_HEIGHT + 14} textAnchor="middle" fill={CHART_TEXT}>
              {shortTime(time, manyYears)}
            </text>
          ) : null,
        )}
        {levels.flatMap((level, row) =>
          times.map((time, column) => {
            const cell = cells.find((entry) => entry.level === level && entry.time === time);
            const value = cell ? cellMetric(cell, metric).value : Number.NaN;
            const x = PAD.left + column * cellWidth;
            const y = PAD.top + row * ROW_HEIGHT;
            const t = high > low ? (value - low) / (high - low) : 0.5;
            const fill = Number.isFinite(value) ? heatColour(t) : '#21262d';
            return (
              <g
                key={`${level} ${time}`}
                data-heat-cell={`${time} ${level}`}
                style={{ cursor: cell && onOpen ? 'pointer' : 'default' }}
                onPointerEnter={() => cell && setHovered({ cell, x: x + cellWidth / 2, y: y + ROW_HEIGHT })}
                onPointerLeave={() => setHovered((current) => (current?.cell === cell ? null : current))}
                onClick={() => cell && onOpen?.(time, level)}
              >
                <rect x={x + 1} y={y + 1} width={Math.max(1, cellWidth - 2)} height={ROW_HEIGHT - 2} fill={fill} rx={2} />
                {cellWidth >= 34 && Number.isFinite(value) && (
                  <text x={x + cellWidth / 2} y={y + ROW_HEIGHT / 2 + 4} textAnchor="middle" fill={t > 0.55 ? '#0d1117' : '#f0f6fc'} fontSize={10}>
                    {value.toFixed(Math.abs(value) < 10 ? 3 : 1)}
                  </text>
                )}
              </g>
            );
          }),
        )}
        <text x={PAD.left} y={height - 8} fill={CHART_TEXT}>
          {SWEEP_METRIC_LABELS[metric]}: {values.length > 0 ? `${low.toFixed(3)} (dark) .. ${high.toFixed(3)} (bright)` : 'no cells yet'}
        </text>
      </svg>
      {hovered && (
        <div className="sweep-tooltip" style={{ left: hovered.x > width / 2 ? Math.max(0, hovered.x - 280) : hovered.x + 14, top: hovered.y }}>
          <CellNumbers cell={hovered.cell} highlight={metric} />
        </div>
      )}
    </div>
  );
}
