// Study 2's linked views: the PCA scatter of every region vector over the times (or one time), and
// the globe at one time with the region's outline. Both colour by nested class or by the probe's
// outcome at the chosen percentile and threshold; brushing, hovering and inspecting link them.
import { useCallback, useMemo, useState } from 'react';
import { convertLongitude } from '../../data/geometry.ts';
import { useExplorer } from '../../state/store.ts';
import { combineSelection, formatPlace, GlobeView, boxRing, ScatterView, type GlobeCamera, type RegionOutline, type ScatterCamera, type SelectMode, type TooltipContent } from '../../views/index.ts';
import { useExtremes, type ExtremesRun } from './extremes-store.ts';
import { useRunDrawn } from '../use-run-drawn.ts';
import { pickRows, rowsOfTime, testedProbabilities } from '../label-sets/rows-view.ts';
import { colourRows, type ExtremesColouring } from './extremes-view.ts';

const REGION_COLOUR = [88, 166, 255, 230] as const;

export function timeLabel(date: Date): string {
  return `${date.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

/** Where the globe looks first: the region's centre, close enough to see its patches. */
function regionCamera(run: ExtremesRun): GlobeCamera {
  const { south, north, west, east } = run.region;
  const span = convertLongitude(east - west, '0..360') || 360;
  return { latitude: (south + north) / 2, longitude: convertLongitude(west + span / 2, '-180..180'), zoom: 1.6 };
}

export function ExtremesViews({ run }: { run: ExtremesRun }) {
  const { result } = run;
  const percentile = useExplorer((state) => state.settings.percentile);
  const flatMap = useExplorer((state) => state.settings.flatMap);
  const updateSettings = useExplorer((state) => state.updateSettings);
  const { timeFilter, globeTime, colouring, threshold, selection, hoveredRow, inspectedRow } = useExtremes();
  const { setTimeFilter, setColouring, setSelection, setHoveredRow, inspect } = useExtremes();
  const [scatterCamera, setScatterCamera] = useState<ScatterCamera | null>(null);
  const [globeCamera, setGlobeCamera] = useState<GlobeCamera>(() => regionCamera(run));
  const { onScatterDrawn, onGlobeDrawn } = useRunDrawn(run);

  const probe = result.probes.find((candidate) => candidate.percentile === percentile) ?? result.probes[result.probes.length - 1];
  const rowCount = result.rows.time.length;
  const tested = useMemo(() => testedProbabilities(probe, rowCount), [probe, rowCount]);
  const scatterRows = useMemo(() => rowsOfTime(result, timeFilter), [result, timeFilter]);
  const globeRows = useMemo(() => rowsOfTime(result, timeFilter ?? globeTime), [result, timeFilter, globeTime]);

  const scatterXY = useMemo(() => {
    const components = result.pca.components;
    const xy = new Float32Array(scatterRows.length * 2);
    scatterRows.forEach((row, i) => {
      xy[2 * i] = result.pca.scores[row * components];
      xy[2 * i + 1] = components > 1 ? result.pca.scores[row * components + 1] : 0;
    });
    return xy;
  }, [result, scatterRows]);
  const scatterColours = useMemo(() => colourRows(colouring, result, probe, tested, scatterRows, threshold), [colouring, result, probe, tested, scatterRows, threshold]);
  const globeColours = useMemo(() => colourRows(colouring, result, probe, tested, globeRows, threshold), [colouring, result, probe, tested, globeRows, threshold]);
  const globeCells = useMemo(() => ({ bounds: pickRows(run.cellBounds, globeRows, 4), centres: pickRows(run.cellCentres, globeRows, 2) }), [run, globeRows]);
  const scatterSelection = useMemo(() => (selection.length === rowCount ? pickRows(selection, scatterRows, 1) : new Uint8Array(scatterRows.length)), [selection, scatterRows, rowCount]);
  const globeSelection = useMemo(() => (selection.length === rowCount ? pickRows(selection, globeRows, 1) : new Uint8Array(globeRows.length)), [selection, globeRows, rowCount]);

  const outlines = useMemo<RegionOutline[]>(() => {
    const { south, north, west, east } = run.region;
    return [{ id: 'region', label: `Region ${south}–${north}° N, ${west}–${east}° E`, rings: [boxRing(south, north, west, east)], colour: REGION_COLOUR }];
  }, [run]);

  /** A view's local index -> the row, and back. */
  const indexIn = (rows: Uint32Array, row: number | null): number | null => {
    if (row === null) return null;
    const index = rows.indexOf(row);
    return index < 0 ? null : index;
  };
  const onSelectIn = useCallback(
    (rows: Uint32Array) => (brushed: Uint8Array, mode: SelectMode) => {
      const current = useExtremes.getState().selection;
      const expanded = new Uint8Array(rowCount);
      brushed.forEach((flag, i) => (expanded[rows[i]] = flag));
      // Rows outside the view that brushed keep their state when adding, and are dropped when replacing.
      setSelection(combineSelection(current.length === rowCount ? current : new Uint8Array(rowCount), expanded, mode));
    },
    [rowCount, setSelection],
  );

  const describeRow = useCallback(
    (row: number): TooltipContent => {
      const probability = tested[row];
      return {
        title: `${formatPlace(result.rows.centreLat[row], result.rows.centreLon[row])}`,
        rows: [
          ['Time', timeLabel(result.times[result.rows.time[row]])],
          ['2 m temperature', `${result.rows.temperatureC[row].toFixed(1)} °C`],
          [`p${probe.percentile} threshold`, `${probe.thresholdC[row].toFixed(1)} °C`],
          ['Class', result.classNames[result.rows.temperatureClass[row]] ?? '—'],
          [`P(above p${probe.percentile})`, Number.isNaN(probability) ? 'training row' : probability.toFixed(3)],
        ],
      };
    },
    [result, probe, tested],
  );

  const fileName = `aurora-extremes-p${probe.percentile}`;
  return (
    <div className="extremes-views">
      <div className="extremes-toolbar" role="toolbar" aria-label="Extremes view">
        <label className="field">
          <span>Time</span>
          <select aria-label="Time filter" value={timeFilter ?? 'all'} onChange={(event) => setTimeFilter(event.target.value === 'all' ? null : Number(event.target.value))}>
            <option value="all">All {result.times.length} times (globe: {timeLabel(result.times[globeTime])})</option>
            {result.times.map((time, k) => (
              <option key={time.toISOString()} value={k}>
                {timeLabel(time)}
              </option>
            ))}
          </select>
        </label>
        <label className="field">
          <span>Colour by</span>
          <select aria-label="Colour extremes by" value={colouring} onChange={(event) => setColouring(event.target.value as ExtremesColouring)}>
            <option value="class">Nested temperature class</option>
            <option value="outcome">Probe outcome at p{probe.percentile}</option>
          </select>
        </label>
      </div>
      <div className="views-grid">
        <section className="view-frame" aria-label="Scatter">
          <ScatterView
            xy={scatterXY}
            xTitle={`PC1 (${((result.pca.explainedVarianceRatio[0] ?? 0) * 100).toFixed(1)} % of variance)`}
            yTitle={`PC2 (${((result.pca.explainedVarianceRatio[1] ?? 0) * 100).toFixed(1)} % of variance)`}
            colours={scatterColours.colours}
            selection={scatterSelection}
            selectedPatch={indexIn(scatterRows, inspectedRow)}
            hoveredPatch={indexIn(scatterRows, hoveredRow)}
            camera={scatterCamera}
            onCameraChange={setScatterCamera}
            onPickPatch={(index) => inspect(index === null ? null : scatterRows[index])}
            onSelect={onSelectIn(scatterRows)}
            onHoverPatch={(index) => setHoveredRow(index === null ? null : scatterRows[index])}
            describe={(index) => describeRow(scatterRows[index])}
            legend={scatterColours.legend}
            fileName={`${fileName}-scatter`}
            onDrawn={onScatterDrawn}
          />
        </section>
        <section className="view-frame" aria-label="Globe">
          <GlobeView
            cellBounds={globeCells.bounds}
            cellCentres={globeCells.centres}
            colours={globeColours.colours}
            selection={globeSelection}
            selectedPatch={indexIn(globeRows, inspectedRow)}
            hoveredPatch={indexIn(globeRows, hoveredRow)}
            camera={globeCamera}
            onCameraChange={setGlobeCamera}
            flatMap={flatMap}
            onFlatMapChange={(next) => updateSettings({ flatMap: next })}
            outlines={outlines}
            onPickPatch={(index) => inspect(index === null ? null : globeRows[index])}
            onSelect={onSelectIn(globeRows)}
            onHoverPatch={(index) => setHoveredRow(index === null ? null : globeRows[index])}
            describe={(index) => describeRow(globeRows[index])}
            legend={globeColours.legend}
            fileName={`${fileName}-globe-${result.times[timeFilter ?? globeTime].toISOString().slice(0, 13)}`}
            onDrawn={onGlobeDrawn}
          />
        </section>
      </div>
    </div>
  );
}
