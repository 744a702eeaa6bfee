// Study 2's linked views (label-sets/LabelSetViews.tsx, as study 3's): the PCA scatter of every region
// vector over the times (or one time), and the globe at one time with the region's outline, coloured
// by nested temperature class or by the probe's outcome at the chosen percentile and threshold.
import { useCallback, useMemo } from 'react';
import { convertLongitude } from '../../data/geometry.ts';
import { useExplorer } from '../../state/store.ts';
import { boxRing, EXTREME_TEMPERATURE_SCHEME, formatPlace, type GlobeCamera, type RegionOutline, type TooltipContent } from '../../views/index.ts';
import { LabelSetViews, timeLabel } from '../label-sets/LabelSetViews.tsx';
import { shownPercentileProbe, useExtremes, type ExtremesRun } from './extremes-store.ts';

const REGION_COLOUR = [88, 166, 255, 230] as const;

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
  const probe = shownPercentileProbe(result, percentile);

  const outlines = useMemo<RegionOutline[]>(() => {
    const { south, north, west, east } = run.region;
    return [{ id: 'region', label: `Region ${south}–${north}° N, ${west}–${east}° E`, rings: [boxRing(south, north, west, east)], colour: REGION_COLOUR }];
  }, [run]);

  const describeRow = useCallback(
    (row: number, probability: number): TooltipContent => ({
      title: formatPlace(result.rows.centreLat[row], result.rows.centreLon[row]),
      rows: [
        ['Time', timeLabel(result.times[result.rows.time[row]])],
        ['2 m temperature', `${result.rows.temperatureC[row].toFixed(1)} °C`],
        [`p${probe.percentile} threshold`, `${probe.thresholdC[row].toFixed(1)} °C`],
        ['Class', result.classNames[result.rows.temperatureClass[row]] ?? '—'],
        [`P(above p${probe.percentile})`, Number.isNaN(probability) ? 'training row' : probability.toFixed(3)],
      ],
    }),
    [result, probe],
  );

  return (
    <LabelSetViews
      run={run}
      store={useExtremes}
      probe={probe}
      positive={`above p${probe.percentile}`}
      classes={result.rows.temperatureClass}
      scheme={EXTREME_TEMPERATURE_SCHEME}
      classTitle="Nested temperature class"
      outlines={outlines}
      initialCamera={regionCamera(run)}
      describeRow={describeRow}
      flatMap={flatMap}
      onFlatMapChange={(next) => updateSettings({ flatMap: next })}
      fileName={`aurora-extremes-p${probe.percentile}`}
      label="Extremes view"
    />
  );
}
