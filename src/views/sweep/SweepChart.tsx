// A sweep's line chart as SVG: times across, the chosen metric up, one line per latent level with its
// band of ± sd over seeds and folds, the majority class (grey) and each level's control task (its
// colour) dashed. Drawn with presentation attributes only, so that the PNG export looks the same.
// Hovering a point shows the cell's numbers; clicking it asks to open that time and level.
import { forwardRef, useMemo, useState } from 'react';
import { SWEEP_METRIC_LABELS, type SweepMetric } from '../../studies/sweep-table.ts';
import type { SweepCell } from '../../studies/sweep.ts';
import { CellNumbers } from './CellNumbers.tsx';
import { MAJORITY_COLOUR, sweepChartModel, type ChartSize } from './sweep-chart-model.ts';

export interface SweepChartProps {
  cells: readonly SweepCell[];
  times: readonly string[];
  levels: readonly number[];
  metric: SweepMetric;
  onOpen?: (time: string, level: number) => void;
  width?: number;
  height?: number;
  /** The y axis's title, when the metric's full name is too long for the chart's height. */
  yLabel?: string;
}

export const CHART_TEXT = '#c9d1d9';
export const CHART_GRID = '#2b323c';
export const CHART_BACKGROUND = '#161b22';

export const SweepChart = forwardRef<SVGSVGElement, SweepChartProps>(function SweepChart({ cells, times, levels, metric, onOpen, width = 560, height = 280, yLabel }, ref) {
  // Room on the right for the last time's label, centred on its tick.
  const size: ChartSize = { width, height, pad: { left: 50, right: 36, top: 12, bottom: 52 } };
  const model = useMemo(() => sweepChartModel(cells, times, levels, metric, size), [cells, times, levels, metric, width, height]);
  const [hovered, setHovered] = useState<{ cell: SweepCell; x: number; y: number } | null>(null);
  const bottom = height - size.pad.bottom;
  const showBaselines = metric === 'accuracy';
  return (
    <div className="sweep-chart" style={{ position: 'relative', width }}>
      <svg
        ref={ref}
        xmlns="http://www.w3.org/2000/svg"
        width={width}
        height={height}
        viewBox={`0 0 ${width} ${height}`}
        role="img"
        aria-label={`${SWEEP_METRIC_LABELS[metric]} of each latent level over the sweep's times`}
        data-lines={model.series.filter((series) => series.points.length > 0).length}
        data-bands={model.series.filter((series) => series.band !== null).length}
        data-baselines={(model.majority ? 1 : 0) + model.series.filter((series) => series.control !== null).length}
        fontFamily="system-ui, sans-serif"
        fontSize={11}
      >
        <rect x={0} y={0} width={width} height={height} fill={CHART_BACKGROUND} />
        {model.yTicks.map((tick) => (
          <g key={`y${tick.label}`}>
            <line x1={size.pad.left} x2={width - size.pad.right} y1={tick.at} y2={tick.at} stroke={CHART_GRID} strokeWidth={1} />
            <text x={size.pad.left - 6} y={tick.at + 4} textAnchor="end" fill={CHART_TEXT}>
              {tick.label}
            </text>
          </g>
        ))}
        {model.xTicks.map((tick, k) => (
          <g key={`x${k}`}>
            <line x1={tick.at} x2={tick.at} y1={bottom} y2={bottom + 4} stroke={CHART_TEXT} strokeWidth={1} />
            {tick.label && (
              <text x={tick.at} y={bottom + 15} textAnchor="middle" fill={CHART_TEXT}>
                {tick.label}
              </text>
            )}
          </g>
        ))}
        <text x={12} y={(size.pad.top + bottom) / 2} textAnchor="middle" fill={CHART_TEXT} transform={`rotate(-90 12 ${(size.pad.top + bottom) / 2})`}>
          {yLabel ?? SWEEP_METRIC_LABELS[metric]}
        </text>
        {model.zero !== null && <line x1={size.pad.left} x2={width - size.pad.right} y1={model.zero} y2={model.zero} stroke={CHART_TEXT} strokeWidth={1} strokeOpacity={0.5} />}
        {model.series.map((series) => series.band && <path key={`band${series.level}`} d={series.band} fill={series.colour} fillOpacity={0.18} stroke="none" data-band={series.level} />)}
        {showBaselines && model.majority && <path d={model.majority} fill="none" stroke={MAJORITY_COLOUR} strokeWidth={1.5} strokeDasharray="6 4" data-baseline="majority" />}
        {model.series.map(
          (series) => series.control && <path key={`control${series.level}`} d={series.control} fill="none" stroke={series.colour} strokeWidth={1.2} strokeDasharray="2 3" strokeOpacity={0.9} data-baseline={`control ${series.level}`} />,
        )}
        {model.series.map((series) =>
          series.points.length > 1 ? (
            <polyline key={`line${series.level}`} points={series.points.map((point) => `${point.x.toFixed(1)},${point.y.toFixed(1)}`).join(' ')} fill="none" stroke={series.colour} strokeWidth={2} data-line={series.level} />
          ) : null,
        )}
        {model.series.flatMap((series) =>
          series.points.map((point) => (
            <circle
              key={`${series.level} ${point.cell.time}`}
              cx={point.x}
              cy={point.y}
              r={hovered?.cell === point.cell ? 6 : 4}
              fill={series.colour}
              stroke={CHART_BACKGROUND}
              strokeWidth={1.5}
              style={{ cursor: onOpen ? 'pointer' : 'default' }}
              data-cell={`${point.cell.time} ${series.level}`}
              onPointerEnter={() => setHovered({ cell: point.cell, x: point.x, y: point.y })}
              onPointerLeave={() => setHovered((current) => (current?.cell === point.cell ? null : current))}
              onClick={() => onOpen?.(point.cell.time, point.cell.level)}
            >
              <title>{`${point.cell.time}, ${series.name}: click to open in the explorer`}</title>
            </circle>
          )),
        )}
        <g transform={`translate(${size.pad.left}, ${height - 16})`}>
          {model.series.map((series, k) => (
            <g key={`key${series.level}`} transform={`translate(${k * 78}, 0)`}>
              <line x1={0} x2={16} y1={-4} y2={-4} stroke={series.colour} strokeWidth={2} />
              <text x={20} y={0} fill={CHART_TEXT}>
                {series.name}
              </text>
            </g>
          ))}
          {showBaselines && (
            <g transform={`translate(${model.series.length * 78}, 0)`}>
              <line x1={0} x2={16} y1={-4} y2={-4} stroke={MAJORITY_COLOUR} strokeWidth={1.5} strokeDasharray="6 4" />
              <text x={20} y={0} fill={CHART_TEXT}>
                majority
              </text>
              {/* Only when a control task was fitted (the sweep may not ask for it). */}
              {model.series.some((series) => series.control !== null) && (
                <>
                  <line x1={82} x2={98} y1={-4} y2={-4} stroke={CHART_TEXT} strokeWidth={1.2} strokeDasharray="2 3" />
                  <text x={102} y={0} fill={CHART_TEXT}>
                    control task
                  </text>
                </>
              )}
            </g>
          )}
        </g>
      </svg>
      {hovered && (
        <div className="sweep-tooltip" style={{ left: hovered.x > width / 2 ? Math.max(0, hovered.x - 280) : hovered.x + 14, top: Math.max(0, hovered.y - 40) }}>
          <CellNumbers cell={hovered.cell} highlight={metric} />
        </div>
      )}
    </div>
  );
});
