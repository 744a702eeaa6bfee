// The linked-views benchmark page: the app's ScatterView and GlobeView with N synthetic points on a
// 1-degree patch grid, driven by Playwright's real mouse. It times, per brush, the CPU work from the
// end of the brush (pointerup) through the selection to both views' new attributes (React's commit);
// drawing is left out, since software WebGL here rasterises at about a frame a second.
import { useLayoutEffect, useState } from 'react';
import { createRoot, type Root } from 'react-dom/client';
import { combineSelection, computeColours, GlobeView, ScatterView, type PatchTable, type SelectMode } from '../../src/views/index.ts';

declare global {
  interface Window {
    uiBench: { prepare(points: number): Promise<void>; brushTimes(): number[] };
  }
}

const GRID_COLUMNS = 360;
const GRID_ROWS = 180;

/** N points: the 1-degree patch grid repeated (four latent levels give 259,200), with clustered PCs. */
function syntheticTable(points: number): PatchTable {
  const cellBounds = new Float32Array(points * 4);
  const cellCentres = new Float32Array(points * 2);
  const labels = new Uint8Array(points);
  const predictions = new Uint8Array(points);
  const pcScores = new Float32Array(points * 2);
  let seed = 12_345;
  const random = () => ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31);
  for (let i = 0; i < points; i++) {
    const cell = i % (GRID_ROWS * GRID_COLUMNS);
    const row = Math.floor(cell / GRID_COLUMNS);
    const column = cell % GRID_COLUMNS;
    const north = 90 - row;
    cellBounds.set([north - 1, north, column, (column + 1) % 360], i * 4);
    cellCentres.set([column + 0.5, north - 0.5], i * 2);
    labels[i] = random() < 0.3 ? 1 : 0;
    predictions[i] = random() < 0.02 ? 1 - labels[i] : labels[i];
    pcScores.set([labels[i] * 4 + random() * 6 - 3, random() * 8 - 4], i * 2);
  }
  return { count: points, cellBounds, cellCentres, labels, predictions, pcScores, pcCount: 2 };
}

let brushStart = 0;
const brushTimes: number[] = [];
// Capture phase: the brush's end is the pointerup itself, before any handler of the views runs.
window.addEventListener('pointerup', () => (brushStart = performance.now()), { capture: true });

function Bench({ table }: { table: PatchTable }) {
  const [selection, setSelection] = useState<Uint8Array>(() => new Uint8Array(table.count));
  const [colours] = useState(() => computeColours({ mode: 'outcome', table }).colours);
  const onSelect = (mask: Uint8Array, mode: SelectMode) => setSelection((current) => combineSelection(current, mask, mode));
  // Runs after both views have committed the new selection and rewritten their attributes.
  useLayoutEffect(() => {
    if (brushStart > 0) brushTimes.push(performance.now() - brushStart);
    brushStart = 0;
  }, [selection]);
  const noop = () => undefined;
  return (
    <div style={{ display: 'grid', gridTemplateColumns: '1fr 1fr', height: '100vh' }}>
      <ScatterView xy={table.pcScores ?? new Float32Array()} xTitle="PC1" yTitle="PC2" colours={colours} selection={selection} selectedPatch={null}
        hoveredPatch={null} camera={null} onCameraChange={noop} onPickPatch={noop} onSelect={onSelect} />
      <GlobeView cellBounds={table.cellBounds} cellCentres={table.cellCentres} colours={colours} selection={selection} selectedPatch={null}
        hoveredPatch={null} camera={null} onCameraChange={noop} flatMap={false} onFlatMapChange={noop} onPickPatch={noop} onSelect={onSelect} />
    </div>
  );
}

let root: Root | null = null;

window.uiBench = {
  async prepare(points: number) {
    root?.unmount();
    brushTimes.length = 0;
    const host = document.getElementById('views') ?? document.body.appendChild(Object.assign(document.createElement('div'), { id: 'views' }));
    root = createRoot(host);
    root.render(<Bench table={syntheticTable(points)} />);
    // Two frames: the views have measured their size and drawn once.
    await new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)));
  },
  brushTimes: () => [...brushTimes],
};
