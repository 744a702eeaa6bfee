// The inspector of one patch: where it is, what the probe made of it, its inputs at both steps,
// and its nearest neighbours in latent space with where they are on the globe.
import { useEffect, useRef, useState } from 'react';
import { greatCircleKm } from '../data/geometry.ts';
import { useExplorer } from '../state/store.ts';
import type { ExplorerResult } from '../state/result.ts';
import { PATCH_INPUT_COLUMNS, type Era5PatchInputs } from '../studies/patch-inputs.ts';
import { formatPlace } from '../views/index.ts';

export type NeighbourSearch = (featuresKey: string, row: number, k: number) => Promise<{ rows: Uint32Array; distances: Float64Array }>;

const NEIGHBOURS = 8;

interface Neighbour {
  row: number;
  latentDistance: number;
  km: number;
}

function classOf(result: ExplorerResult, value: number | undefined): string {
  return value === undefined ? '—' : (result.table.classNames?.[value] ?? String(value));
}

export function Inspector({ result, index, findNeighbours }: { result: ExplorerResult; index: number; findNeighbours: NeighbourSearch }) {
  const updateSettings = useExplorer((state) => state.updateSettings);
  const [neighbours, setNeighbours] = useState<Neighbour[] | null>(null);
  const [neighbourError, setNeighbourError] = useState<string | null>(null);
  const { table } = result;
  const { landFraction, era5 } = result.studyTime;
  const section = useRef<HTMLElement>(null);

  // A new patch brings the inspector into view in its scrolling panel, as little as it takes to show its top part,
  // so that the list it was picked from stays in sight where it can.
  useEffect(() => {
    const element = section.current;
    const panel = element?.closest('.side-panel');
    if (!element || !panel) return;
    const box = element.getBoundingClientRect();
    const view = panel.getBoundingClientRect();
    const wanted = Math.min(box.height, 0.6 * view.height);
    if (box.top < view.top) panel.scrollBy({ top: box.top - view.top, behavior: 'smooth' });
    else if (box.top + wanted > view.bottom) panel.scrollBy({ top: box.top + wanted - view.bottom, behavior: 'smooth' });
  }, [index]);

  useEffect(() => {
    let current = true;
    setNeighbours(null);
    setNeighbourError(null);
    findNeighbours(result.featuresKey, index, NEIGHBOURS)
      .then(({ rows, distances }) => {
        if (!current) return;
        setNeighbours(
          Array.from(rows, (row, k) => ({
            row,
            latentDistance: distances[k],
            km: greatCircleKm(result.centreLat[index], result.centreLon[index], result.centreLat[row], result.centreLon[row]),
          })),
        );
      })
      .catch((error: unknown) => current && setNeighbourError(error instanceof Error ? error.message : String(error)));
    return () => {
      current = false;
    };
  }, [result, index, findNeighbours]);

  const bounds = table.cellBounds.subarray(index * 4, index * 4 + 4);
  const pcCount = table.pcCount ?? 0;
  const correct = table.labels?.[index] === table.predictions?.[index];

  return (
    <section ref={section} className="panel-section inspector" aria-label="Inspector">
      <h2>Patch {index}</h2>
      <dl className="kv">
        <dt>Centre</dt>
        <dd data-testid="inspected-centre">{formatPlace(result.centreLat[index], result.centreLon[index])}</dd>
        <dt>Bounds</dt>
        <dd>
          {bounds[0].toFixed(2)}…{bounds[1].toFixed(2)}° N, {bounds[2].toFixed(2)}…{bounds[3].toFixed(2)}° E
        </dd>
        <dt>Land fraction</dt>
        <dd>{(landFraction[index] * 100).toFixed(1)} %</dd>
        {era5 && (
          <>
            <dt>Elevation</dt>
            <dd>{era5.elevation[index].toFixed(0)} m</dd>
          </>
        )}
        <dt>Label</dt>
        <dd>{classOf(result, table.labels?.[index])}</dd>
        <dt>Prediction</dt>
        <dd className={correct ? '' : 'wrong'}>
          {classOf(result, table.predictions?.[index])} {correct ? '✓' : '✗'}
        </dd>
        <dt>P(land)</dt>
        <dd>{table.probabilities?.[index].toFixed(4)}</dd>
        <dt>Set</dt>
        <dd>{result.isTest[index] ? 'test' : 'train'}</dd>
        {Array.from({ length: Math.min(3, pcCount) }, (_, k) => (
          <PcRow key={k} k={k} value={table.pcScores?.[index * pcCount + k]} />
        ))}
        <dt>Concept score</dt>
        <dd>{table.conceptScores?.[index].toFixed(3)}</dd>
      </dl>

      {era5 && <PatchInputsTable inputs={era5} index={index} />}

      <h2>Nearest in latent space</h2>
      {neighbourError && <p className="store-status">{neighbourError}</p>}
      {!neighbours && !neighbourError && <p className="store-status">searching…</p>}
      {neighbours && (
        <ul className="mis-list" aria-label="Nearest neighbours">
          {neighbours.map((neighbour) => (
            <li key={neighbour.row}>
              <button type="button" title="Inspect this neighbour" data-patch={neighbour.row} onClick={() => updateSettings({ selectedPatch: neighbour.row })}>
                <span>
                  Patch {neighbour.row} · {formatPlace(result.centreLat[neighbour.row], result.centreLon[neighbour.row])}
                </span>
                <span>
                  {neighbour.km.toFixed(0)} km · d={neighbour.latentDistance.toFixed(2)}
                </span>
              </button>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

function PatchInputsTable({ inputs, index }: { inputs: Era5PatchInputs; index: number }) {
  const columns = PATCH_INPUT_COLUMNS.length;
  return (
    <>
      <h2>Inputs (patch means)</h2>
      <table className="metrics">
        <thead>
          <tr>
            <th />
            <th>t − 6 h</th>
            <th>t</th>
          </tr>
        </thead>
        <tbody>
          {PATCH_INPUT_COLUMNS.filter((column) => column.step === 0).map((column) => {
            const c = PATCH_INPUT_COLUMNS.indexOf(column);
            return (
              <tr key={column.variable}>
                <th>
                  {column.label} ({displayUnit(column.unit)})
                </th>
                <td>{formatInput(inputs.surface[index * columns + c], column.unit)}</td>
                <td>{formatInput(inputs.surface[index * columns + c + 1], column.unit)}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </>
  );
}

function PcRow({ k, value }: { k: number; value: number | undefined }) {
  return (
    <>
      <dt>PC{k + 1}</dt>
      <dd>{value?.toFixed(3)}</dd>
    </>
  );
}

// Pressure reads best in hPa; the table keeps Aurora's SI units.
const displayUnit = (unit: string) => (unit === 'Pa' ? 'hPa' : unit);

function formatInput(value: number, unit: string): string {
  return unit === 'Pa' ? (value / 100).toFixed(1) : value.toFixed(2);
}
