// A CKA matrix as a heat map with its numbers: one cell per pair of representations (model A's level
// against model B's, a level against a level, a time against a time), coloured on [0, 1], and beside
// each row the CKA of its representation against a column-shuffled copy of the other, the noise floor
// of this many patches. A click on a cell asks for that pair's two PCA scatters.
import { buildLut, SEQUENTIAL_VIRIDIS } from './colours.ts';
import './similarity.css';

export interface CkaHeatmapProps {
  /** What the matrix compares, e.g. 'aurora-0.25-untrained-seed0 against its untrained control'. */
  title: string;
  rowTitle: string;
  columnTitle: string;
  rowLabels: readonly string[];
  columnLabels: readonly string[];
  /** rows x columns, row-major. */
  values: Float64Array;
  /** Per row: the CKA against a column-shuffled copy (the noise floor); none while it is computed. */
  floor?: Float64Array;
  /** Patches the CKA was computed over. */
  rows: number;
  selected: readonly [number, number] | null;
  onSelectCell: (row: number, column: number) => void;
}

const LUT = buildLut(SEQUENTIAL_VIRIDIS);

function cellColour(value: number): { background: string; color: string } {
  const i = Math.round(Math.min(1, Math.max(0, value)) * 255) * 4;
  const [r, g, b] = [LUT[i], LUT[i + 1], LUT[i + 2]];
  // Dark text on the bright end of the ramp, light text on the dark end.
  const luminance = (0.2126 * r + 0.7152 * g + 0.0722 * b) / 255;
  return { background: `rgb(${r}, ${g}, ${b})`, color: luminance > 0.45 ? '#0d1117' : '#f5f7fb' };
}

export const formatCka = (value: number): string => (Number.isFinite(value) ? value.toFixed(3) : '–');

export function CkaHeatmap(props: CkaHeatmapProps) {
  const { rowLabels, columnLabels, values, floor, selected, onSelectCell } = props;
  const columns = columnLabels.length;
  return (
    <figure className="sv-cka" aria-label={`CKA matrix: ${props.title}`}>
      <figcaption>
        <strong>{props.title}</strong>
        <span>
          Linear CKA over {props.rows.toLocaleString('en')} patches: 1 means the same representation up to a rotation and a scale. “Shuffled” is the
          CKA against a copy whose columns are shuffled, the noise floor of this many patches.
        </span>
      </figcaption>
      <table>
        <thead>
          <tr>
            <th scope="col" className="sv-corner">
              {props.rowTitle} ↓ / {props.columnTitle} →
            </th>
            {columnLabels.map((label) => (
              <th scope="col" key={label}>
                {label}
              </th>
            ))}
            <th scope="col" className="sv-floor-head">
              shuffled
            </th>
          </tr>
        </thead>
        <tbody>
          {rowLabels.map((rowLabel, i) => (
            <tr key={rowLabel}>
              <th scope="row">{rowLabel}</th>
              {columnLabels.map((columnLabel, j) => {
                const value = values[i * columns + j];
                const isSelected = selected !== null && selected[0] === i && selected[1] === j;
                return (
                  <td key={columnLabel}>
                    <button
                      type="button"
                      className="sv-cell"
                      style={cellColour(value)}
                      aria-pressed={isSelected}
                      aria-label={`${props.rowTitle} ${rowLabel} against ${props.columnTitle} ${columnLabel}: CKA ${formatCka(value)}`}
                      data-cka={value}
                      onClick={() => onSelectCell(i, j)}
                    >
                      {formatCka(value)}
                    </button>
                  </td>
                );
              })}
              <td className="sv-floor" data-floor={floor?.[i]}>
                {floor ? formatCka(floor[i]) : '…'}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </figure>
  );
}
