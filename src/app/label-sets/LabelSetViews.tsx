// The linked views of a study with label sets over several times (study 2's percentiles, study 3's K
// thresholds): the PCA scatter of every row over the times (or one time), and the globe at one time.
// Both colour by nested class or by the shown probe's outcome at the decision threshold; brushing,
// hovering and inspecting link them; the selected rows export as CSV and GeoJSON, and either view as a
// PNG.
import { useCallback, useMemo, useState, type ReactNode } from 'react';
import type { PatchTable } from '../../state/patch-table.ts';
import type { StudyRows } from '../../studies/label-sets.ts';
import {
  combineSelection,
  GlobeView,
  ScatterView,
  SelectionExports,
  type ClassScheme,
  type GlobeCamera,
  type RegionOutline,
  type ScatterCamera,
  type SelectMode,
  type TooltipContent,
} from '../../views/index.ts';
import { useRunDrawn } from '../use-run-drawn.ts';
import type { RowsRun, RowsStore } from './rows-store.ts';
import { classColours, outcomeColours, pickRows, rowsOfTime, testedProbabilities, type LabelSetProbe, type RowsColouring } from './rows-view.ts';
import './label-sets.css';

/** What the views need of a run: its rows, classes, PCA, and each row's cell. */
export interface LabelSetRun extends RowsRun {
  result: RowsRun['result'] & {
    rows: StudyRows;
    classNames: string[];
    pca: { scores: Float32Array; components: number; explainedVarianceRatio: Float64Array };
  };
  /** Per row: cell bounds (count*4: south, north, west, east) and centres (count*2), longitudes in [0, 360). */
  cellBounds: Float32Array;
  cellCentres: Float32Array;
}

export interface LabelSetViewsProps<Run extends LabelSetRun> {
  run: Run;
  store: RowsStore<Run>;
  /** The probe the outcome colours show, and its label in words (e.g. 'K > 35'). */
  probe: LabelSetProbe;
  positive: string;
  /** Each row's nested class, and how classes are named and coloured. */
  classes: Uint8Array;
  scheme: ClassScheme;
  classTitle: string;
  outlines?: RegionOutline[];
  initialCamera: GlobeCamera | null;
  /** A row's tooltip; `probability` is the probe's on a test row, NaN on a training row. */
  describeRow(row: number, probability: number): TooltipContent;
  flatMap: boolean;
  onFlatMapChange(flat: boolean): void;
  /** Base name of exported files. */
  fileName: string;
  /** What the toolbar is named for screen readers, e.g. 'K-index view'. */
  label: string;
  /** More of the toolbar (e.g. a view of the run's analogues). */
  children?: ReactNode;
}

export function timeLabel(date: Date): string {
  return `${date.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

export function LabelSetViews<Run extends LabelSetRun>(props: LabelSetViewsProps<Run>) {
  const { run, store, probe, classes, scheme, describeRow } = props;
  const { result } = run;
  const { timeFilter, globeTime, colouring, threshold, selection, hoveredRow, inspectedRow } = store();
  const { setTimeFilter, setColouring, setSelection, setHoveredRow, inspect } = store();
  const [scatterCamera, setScatterCamera] = useState<ScatterCamera | null>(null);
  const [globeCamera, setGlobeCamera] = useState<GlobeCamera | null>(props.initialCamera);
  const { onScatterDrawn, onGlobeDrawn } = useRunDrawn(run);

  const rowCount = result.rows.time.length;
  const tested = useMemo(() => testedProbabilities(probe, rowCount), [probe, rowCount]);
  const scatterRows = useMemo(() => rowsOfTime(result, timeFilter), [result, timeFilter]);
  const globeRows = useMemo(() => rowsOfTime(result, timeFilter ?? globeTime), [result, timeFilter, globeTime]);
  const colourOf = useCallback(
    (rows: Uint32Array) => (colouring === 'class' ? classColours(classes, result.classNames, scheme, props.classTitle, rows) : outcomeColours(probe, tested, rows, threshold, props.positive)),
    [colouring, classes, result, scheme, props.classTitle, probe, tested, threshold, props.positive],
  );

  const scatterXY = useMemo(() => {
    const components = result.pca.components;
    const xy = new Float32Array(scatterRows.length * 2);
    scatterRows.forEach((row, i) => {
      xy[2 * i] = result.pca.scores[row * components];
      xy[2 * i + 1] = components > 1 ? result.pca.scores[row * components + 1] : 0;
    });
    return xy;
  }, [result, scatterRows]);
  const scatterColours = useMemo(() => colourOf(scatterRows), [colourOf, scatterRows]);
  const globeColours = useMemo(() => colourOf(globeRows), [colourOf, globeRows]);
  const globeCells = useMemo(() => ({ bounds: pickRows(run.cellBounds, globeRows, 4), centres: pickRows(run.cellCentres, globeRows, 2) }), [run, globeRows]);
  const wholeSelection = selection.length === rowCount ? selection : new Uint8Array(rowCount);
  const scatterSelection = useMemo(() => pickRows(wholeSelection, scatterRows, 1), [wholeSelection, scatterRows]);
  const globeSelection = useMemo(() => pickRows(wholeSelection, globeRows, 1), [wholeSelection, globeRows]);
  const exportTable = useMemo(() => rowsTable(run, probe, tested, threshold), [run, probe, tested, threshold]);

  /** A view's local index -> the row, and back. */
  const indexIn = (rows: Uint32Array, row: number | null): number | null => {
    if (row === null) return null;
    const index = rows.indexOf(row);
    return index < 0 ? null : index;
  };
  const onSelectIn = useCallback(
    (rows: Uint32Array) => (brushed: Uint8Array, mode: SelectMode) => {
      const current = store.getState().selection;
      const expanded = new Uint8Array(rowCount);
      brushed.forEach((flag, i) => (expanded[rows[i]] = flag));
      // Rows outside the view that brushed keep their state when adding, and are dropped when replacing.
      setSelection(combineSelection(current.length === rowCount ? current : new Uint8Array(rowCount), expanded, mode));
    },
    [rowCount, setSelection, store],
  );
  /** What links a view showing `rows` to the others: the inspected, hovered and brushed rows, and tooltips. */
  const linkedTo = (rows: Uint32Array) => ({
    selectedPatch: indexIn(rows, inspectedRow),
    hoveredPatch: indexIn(rows, hoveredRow),
    onPickPatch: (index: number | null) => inspect(index === null ? null : rows[index]),
    onSelect: onSelectIn(rows),
    onHoverPatch: (index: number | null) => setHoveredRow(index === null ? null : rows[index]),
    describe: (index: number) => describeRow(rows[index], tested[rows[index]]),
  });
  const ratio = (k: number) => ((result.pca.explainedVarianceRatio[k] ?? 0) * 100).toFixed(1);

  return (
    <div className="label-set-views">
      <div className="label-set-toolbar" role="toolbar" aria-label={props.label}>
        <label className="field">
          <span>Time</span>
          <select aria-label="Time filter" value={timeFilter ?? 'all'} onChange={(event) => setTimeFilter(event.target.value === 'all' ? null : Number(event.target.value))}>
            <option value="all">
              All {result.times.length} times (globe: {timeLabel(result.times[globeTime])})
            </option>
            {result.times.map((time, k) => (
              <option key={time.toISOString()} value={k}>
                {timeLabel(time)}
              </option>
            ))}
          </select>
        </label>
        <label className="field">
          <span>Colour by</span>
          <select aria-label="Colour by" value={colouring} onChange={(event) => setColouring(event.target.value as RowsColouring)}>
            <option value="class">{props.classTitle}</option>
            <option value="outcome">Probe outcome, {props.positive}</option>
          </select>
        </label>
        {props.children}
        <SelectionExports table={exportTable} selection={wholeSelection} fileName={`${props.fileName}-selected`} />
      </div>
      <div className="views-grid">
        <section className="view-frame" aria-label="Scatter">
          <ScatterView
            xy={scatterXY}
            xTitle={`PC1 (${ratio(0)} % of variance)`}
            yTitle={`PC2 (${ratio(1)} % of variance)`}
            colours={scatterColours.colours}
            selection={scatterSelection}
            {...linkedTo(scatterRows)}
            camera={scatterCamera}
            onCameraChange={setScatterCamera}
            legend={scatterColours.legend}
            fileName={`${props.fileName}-scatter`}
            onDrawn={onScatterDrawn}
          />
        </section>
        <section className="view-frame" aria-label="Globe">
          <GlobeView
            cellBounds={globeCells.bounds}
            cellCentres={globeCells.centres}
            colours={globeColours.colours}
            selection={globeSelection}
            {...linkedTo(globeRows)}
            camera={globeCamera}
            onCameraChange={setGlobeCamera}
            flatMap={props.flatMap}
            onFlatMapChange={props.onFlatMapChange}
            outlines={props.outlines}
            legend={globeColours.legend}
            fileName={`${props.fileName}-globe-${result.times[timeFilter ?? globeTime].toISOString().slice(0, 13)}`}
            onDrawn={onGlobeDrawn}
          />
        </section>
      </div>
    </div>
  );
}

/** Every row as the selection exports write it: its cell, the probe's label, prediction and probability, and its PC scores. */
function rowsTable(run: LabelSetRun, probe: LabelSetProbe, tested: Float32Array, threshold: number): PatchTable {
  const { result } = run;
  const count = result.rows.time.length;
  return {
    count,
    cellBounds: run.cellBounds,
    cellCentres: run.cellCentres,
    labels: probe.labels,
    predictions: Uint8Array.from(tested, (probability) => (probability >= threshold ? 1 : 0)),
    probabilities: tested,
    pcScores: result.pca.scores,
    pcCount: result.pca.components,
  };
}
