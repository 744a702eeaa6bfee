// The two linked views, driven by the store: the PCA scatter and the globe share colours, selection,
// the inspected patch and the hovered patch. Brushing either one selects in both.
import { useCallback, useEffect, useMemo, useRef } from 'react';
import { encodeSelection } from '../state/selection-codec.ts';
import { useRunDrawn } from './use-run-drawn.ts';
import { scoresAt } from './analogues/analogues-in-app.ts';
import { useAnalogues } from './analogues/analogues-store.ts';
import { useExplorer } from '../state/store.ts';
import type { ExplorerPreview } from '../state/result.ts';
import type { ViewSettings } from '../state/view-settings.ts';
import {
  analogueColours,
  COLOUR_MODE_TITLES,
  combineSelection,
  computeColours,
  describePatch,
  GlobeView,
  longitudeBandRing,
  ScatterView,
  type GlobeCamera,
  type RegionOutline,
  type ScatterCamera,
  type SelectMode,
} from '../views/index.ts';
import { convertLongitude } from '../data/geometry.ts';

type Axis = ViewSettings['xAxis'];

/** Values of one scatter axis, and its title with the share of variance a PC explains. */
function axisValues(result: ExplorerPreview, axis: Axis): { values: (i: number) => number; title: string } {
  const { table } = result;
  if (axis === 'concept') {
    const scores = table.conceptScores ?? new Float32Array(table.count);
    return { values: (i) => scores[i], title: table.conceptScores ? 'Concept score (probe direction)' : 'Concept score (once the probe is fitted)' };
  }
  const k = Number(axis.slice(2)) - 1;
  const pcCount = table.pcCount ?? 0;
  const scores = table.pcScores ?? new Float32Array(table.count * pcCount);
  const share = (result.explainedVarianceRatio[k] ?? 0) * 100;
  return { values: (i) => scores[i * pcCount + k], title: `PC${k + 1} (${share.toFixed(1)} % of variance)` };
}

/** The middle of the band from `west` to `east` degrees east (through 0/360 when east < west), in -180..180. */
function bandMiddle(west: number, east: number): number {
  const width = east >= west ? east - west : east + 360 - west;
  return convertLongitude(west + width / 2, '-180..180');
}

const TEST_REGION_COLOUR = [255, 209, 102, 230] as const;
/** A light tint, so that the test band reads at a glance and the cells' colours still read through it. */
const TEST_REGION_FILL = [255, 209, 102, 34] as const;

/** Colour modes that need the probe's fit: a preview (PCA done, probe still fitting) colours by label instead. */
const PROBE_COLOUR_MODES: ReadonlySet<ViewSettings['colourBy']> = new Set(['prediction', 'outcome', 'probability', 'concept']);

/** The views of a run's result, or of its preview while the probe is fitted. */
export function ExplorerViews({ result }: { result: ExplorerPreview }) {
  const settings = useExplorer((state) => state.settings);
  const selection = useExplorer((state) => state.selectionMask);
  const hoveredPatch = useExplorer((state) => state.hoveredPatch);
  const setSelectionMask = useExplorer((state) => state.setSelectionMask);
  const setHoveredPatch = useExplorer((state) => state.setHoveredPatch);
  const updateSettings = useExplorer((state) => state.updateSettings);
  const urlWrite = useRef<number | null>(null);

  const { xy, xTitle, yTitle } = useMemo(() => {
    const x = axisValues(result, settings.xAxis);
    const y = axisValues(result, settings.yAxis);
    const positions = new Float32Array(result.table.count * 2);
    for (let i = 0; i < result.table.count; i++) {
      positions[2 * i] = x.values(i);
      positions[2 * i + 1] = y.values(i);
    }
    return { xy: positions, xTitle: x.title, yTitle: y.title };
  }, [result, settings.xAxis, settings.yAxis]);

  const analogueFound = useAnalogues((state) => (settings.analogues && state.resultKey === result.key ? state.found : null));
  const analogueTime = useAnalogues((state) => state.shownTime);
  const colourBy = result.table.predictions === undefined && PROBE_COLOUR_MODES.has(settings.colourBy) ? 'label' : settings.colourBy;
  const { colours, legend } = useMemo(
    () =>
      analogueFound
        ? // While an analogue search is on, both views show every patch's similarity to the query (at the time picked in the list's panel).
          analogueColours(scoresAt(analogueFound, analogueTime), analogueFound.search.metric)
        : // Counted apart for the test set, as the metrics beside the views are.
          computeColours({ mode: colourBy, table: result.table, pcIndex: settings.colourPc - 1, testMask: result.isTest }),
    [result, colourBy, settings.colourPc, analogueFound, analogueTime],
  );

  const outlines = useMemo<RegionOutline[]>(() => {
    // The split the shown result was fitted on, not one picked since.
    const split = result.split;
    if (split.kind !== 'lon-band') return [];
    return [
      { id: 'test-band', label: `Test band ${split.west}–${split.east}° E`, rings: [longitudeBandRing(split.west, split.east)], colour: TEST_REGION_COLOUR, fill: TEST_REGION_FILL },
    ];
  }, [result.split]);
  // A globe with no camera yet faces the test band: the patches the metrics and the misclassified list are about.
  const homeLongitude = result.split.kind === 'lon-band' ? bandMiddle(result.split.west, result.split.east) : undefined;

  // The URL follows the selection a moment later: compressing it is not part of the brush's 50 ms.
  useEffect(() => () => {
    if (urlWrite.current !== null) window.clearTimeout(urlWrite.current);
  }, []);
  const onSelect = useCallback(
    (brushed: Uint8Array, mode: SelectMode) => {
      const combined = combineSelection(useExplorer.getState().selectionMask, brushed, mode);
      setSelectionMask(combined);
      if (urlWrite.current !== null) window.clearTimeout(urlWrite.current);
      urlWrite.current = window.setTimeout(() => updateSettings({ selection: encodeSelection(combined) }), 150);
    },
    [setSelectionMask, updateSettings],
  );
  const onPickPatch = useCallback((index: number | null) => updateSettings({ selectedPatch: index }), [updateSettings]);
  const onScatterCamera = useCallback((scatterView: ScatterCamera) => updateSettings({ scatterView }), [updateSettings]);
  const onGlobeCamera = useCallback((globeView: GlobeCamera) => updateSettings({ globeView }), [updateSettings]);
  const onFlatMapChange = useCallback((flatMap: boolean) => updateSettings({ flatMap }), [updateSettings]);
  const describe = useCallback((index: number) => describePatch(result.table, index), [result]);
  const { onScatterDrawn, onGlobeDrawn } = useRunDrawn(result);
  const fileName = `aurora-${result.time.slice(0, 13)}-level${result.level}`;

  return (
    <div className="views-grid">
      <section className="view-frame" aria-label="Scatter">
        <ScatterView
          xy={xy}
          xTitle={xTitle}
          yTitle={yTitle}
          colours={colours}
          selection={selection}
          selectedPatch={settings.selectedPatch}
          hoveredPatch={hoveredPatch}
          camera={settings.scatterView}
          onCameraChange={onScatterCamera}
          onPickPatch={onPickPatch}
          onSelect={onSelect}
          onHoverPatch={setHoveredPatch}
          describe={describe}
          legend={legend}
          fileName={`${fileName}-scatter`}
          onDrawn={onScatterDrawn}
        />
      </section>
      <section className="view-frame" aria-label="Globe">
        <GlobeView
          cellBounds={result.table.cellBounds}
          cellCentres={result.table.cellCentres}
          colours={colours}
          selection={selection}
          selectedPatch={settings.selectedPatch}
          hoveredPatch={hoveredPatch}
          camera={settings.globeView}
          onCameraChange={onGlobeCamera}
          flatMap={settings.flatMap}
          onFlatMapChange={onFlatMapChange}
          homeLongitude={homeLongitude}
          outlines={outlines}
          onPickPatch={onPickPatch}
          onSelect={onSelect}
          onHoverPatch={setHoveredPatch}
          describe={describe}
          legend={legend}
          fileName={`${fileName}-globe`}
          onDrawn={onGlobeDrawn}
        />
      </section>
      <span hidden>{COLOUR_MODE_TITLES[colourBy]}</span>
    </div>
  );
}
