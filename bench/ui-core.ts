// CPU cost of a brush in the linked views, in Node: from the end of the brush (a rectangle or a lasso in data
// coordinates), through the selection mask, to the new colour and size attributes of both views' layers.
// The budget is 50 ms for 64,800 points. Run: npx tsx bench/ui-core.ts [--json]
import { applySelectionToAttributes, buildCellGeometry, createLinkedAttributes } from '../src/views/attributes.ts';
import { computeColours } from '../src/views/colours.ts';
import { selectInPolygon, selectInRectangle } from '../src/views/selection.ts';
import type { PatchTable } from '../src/views/types.ts';

export interface UiCoreTiming {
  points: number;
  step: string;
  medianMs: number;
  maxMs: number;
}

const BUDGET_MS = 50;
const RUNS = 25;

/** A regular lat-lon grid of cells with random scatter positions and labels, `degrees` apart. */
function syntheticTable(degrees: number): { table: PatchTable; xy: Float32Array } {
  const rows = Math.round(180 / degrees);
  const columns = Math.round(360 / degrees);
  const count = rows * columns;
  const cellBounds = new Float32Array(count * 4);
  const cellCentres = new Float32Array(count * 2);
  const labels = new Uint8Array(count);
  const predictions = new Uint8Array(count);
  const xy = new Float32Array(count * 2);
  let seed = 12345;
  const random = () => (seed = (seed * 1664525 + 1013904223) >>> 0) / 2 ** 32;
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < columns; c++) {
      const i = r * columns + c;
      const latMax = 90 - r * degrees;
      cellBounds.set([latMax - degrees, latMax, c * degrees, (c + 1) * degrees], 4 * i);
      cellCentres.set([(c + 0.5) * degrees, latMax - degrees / 2], 2 * i);
      labels[i] = random() < 0.3 ? 1 : 0;
      predictions[i] = random() < 0.9 ? labels[i] : 1 - labels[i];
      xy.set([random() * 40 - 20, random() * 30 - 15], 2 * i);
    }
  }
  return { table: { count, cellBounds, cellCentres, labels, predictions }, xy };
}

/** A wobbly 200-vertex lasso around the middle of the cloud. */
function lasso(): number[] {
  const polygon: number[] = [];
  for (let k = 0; k < 200; k++) {
    const angle = (k / 200) * 2 * Math.PI;
    const radius = 8 + 2 * Math.sin(5 * angle);
    polygon.push(radius * Math.cos(angle), 0.7 * radius * Math.sin(angle));
  }
  return polygon;
}

function time(run: () => void): { medianMs: number; maxMs: number } {
  for (let k = 0; k < 3; k++) run();
  const samples: number[] = [];
  for (let k = 0; k < RUNS; k++) {
    const start = performance.now();
    run();
    samples.push(performance.now() - start);
  }
  samples.sort((a, b) => a - b);
  return { medianMs: samples[Math.floor(samples.length / 2)], maxMs: samples[samples.length - 1] };
}

export function runUiCoreBench(): UiCoreTiming[] {
  const timings: UiCoreTiming[] = [];
  for (const degrees of [1, 0.5]) {
    const { table, xy } = syntheticTable(degrees);
    const points = table.count;
    const { colours } = computeColours({ mode: 'outcome', table });
    const attributes = createLinkedAttributes(points);
    const mask = new Uint8Array(points);
    const polygon = lasso();
    const rectangle = { xMin: -5, xMax: 8, yMin: -4, yMax: 6 };
    const record = (step: string, run: () => void) => timings.push({ points, step, ...time(run) });

    record('rectangle -> selection', () => selectInRectangle(xy, rectangle, mask));
    record('lasso (200 vertices) -> selection', () => selectInPolygon(xy, polygon, mask));
    record('selection -> both views\' attributes', () => applySelectionToAttributes(colours, mask, attributes));
    record('brush end to attributes (rectangle)', () => {
      // A fresh mask each brush, as the views hand one to the store.
      const selection = selectInRectangle(xy, rectangle);
      applySelectionToAttributes(colours, selection, attributes);
    });
    record('brush end to attributes (lasso)', () => {
      const selection = selectInPolygon(xy, polygon);
      applySelectionToAttributes(colours, selection, attributes);
    });
    record('recolour (outcome)', () => computeColours({ mode: 'outcome', table }, colours));
    record('cell geometry (once per grid)', () => buildCellGeometry(table.cellBounds));
  }
  return timings;
}

const isMain = import.meta.url === `file://${process.argv[1]}`;
if (isMain) {
  const timings = runUiCoreBench();
  if (process.argv.includes('--json')) {
    console.log(JSON.stringify({ budgetMs: BUDGET_MS, timings }, null, 2));
  } else {
    console.log(`Linked-view CPU cost per brush (median of ${RUNS}, budget ${BUDGET_MS} ms at 64,800 points)`);
    for (const { points, step, medianMs, maxMs } of timings) {
      console.log(`${String(points).padStart(7)} points  ${step.padEnd(40)} ${medianMs.toFixed(2).padStart(7)} ms  (max ${maxMs.toFixed(2)})`);
    }
    const worst = timings.filter((t) => t.points === 64_800 && t.step.startsWith('brush end')).reduce((a, b) => Math.max(a, b.medianMs), 0);
    console.log(`Worst brush at 64,800 points: ${worst.toFixed(2)} ms ${worst <= BUDGET_MS ? 'within' : 'OVER'} the ${BUDGET_MS} ms budget`);
  }
}
