// The scatter's camera: the store keeps a size-independent {x, y, zoom} (zoom 0 = all points fit), and the view
// turns it into deck.gl's OrthographicView state with separate x and y scales, since PC1 and a concept score can
// differ in range by orders of magnitude.
import type { Rectangle } from './selection.ts';
import type { Direction, ScatterCamera } from './types.ts';

export interface ScatterFrame {
  /** Camera plus the canvas size and the base scale that makes zoom 0 fit the data. */
  camera: ScatterCamera;
  width: number;
  height: number;
  /** log2 pixels per data unit at zoom 0, per axis. */
  baseZoomX: number;
  baseZoomY: number;
}

/** Bounds of the finite points of xy (x0, y0, x1, y1, ...); a unit square around 0 when there are none. */
export function dataExtent(xy: Float32Array): Rectangle {
  let xMin = Infinity;
  let xMax = -Infinity;
  let yMin = Infinity;
  let yMax = -Infinity;
  for (let i = 0; i < xy.length; i += 2) {
    const x = xy[i];
    const y = xy[i + 1];
    if (!Number.isFinite(x) || !Number.isFinite(y)) continue;
    if (x < xMin) xMin = x;
    if (x > xMax) xMax = x;
    if (y < yMin) yMin = y;
    if (y > yMax) yMax = y;
  }
  if (xMin > xMax) return { xMin: -0.5, xMax: 0.5, yMin: -0.5, yMax: 0.5 };
  // A degenerate axis (all points equal) still gets a unit of room.
  if (xMin === xMax) [xMin, xMax] = [xMin - 0.5, xMax + 0.5];
  if (yMin === yMax) [yMin, yMax] = [yMin - 0.5, yMax + 0.5];
  return { xMin, xMax, yMin, yMax };
}

export function fittedCamera(extent: Rectangle): ScatterCamera {
  return { x: (extent.xMin + extent.xMax) / 2, y: (extent.yMin + extent.yMax) / 2, zoom: 0 };
}

/** The frame in which `extent` fills the canvas less `padding` pixels each side at zoom 0. */
export function makeFrame(
  camera: ScatterCamera,
  extent: Rectangle,
  width: number,
  height: number,
  padding: number,
): ScatterFrame {
  const usableWidth = Math.max(1, width - 2 * padding);
  const usableHeight = Math.max(1, height - 2 * padding);
  return {
    camera,
    width,
    height,
    baseZoomX: Math.log2(usableWidth / (extent.xMax - extent.xMin)),
    baseZoomY: Math.log2(usableHeight / (extent.yMax - extent.yMin)),
  };
}

export function dataToScreen(frame: ScatterFrame, x: number, y: number): [number, number] {
  const { camera, width, height } = frame;
  const sx = 2 ** (frame.baseZoomX + camera.zoom);
  const sy = 2 ** (frame.baseZoomY + camera.zoom);
  return [width / 2 + (x - camera.x) * sx, height / 2 - (y - camera.y) * sy];
}

export function screenToData(frame: ScatterFrame, px: number, py: number): [number, number] {
  const { camera, width, height } = frame;
  const sx = 2 ** (frame.baseZoomX + camera.zoom);
  const sy = 2 ** (frame.baseZoomY + camera.zoom);
  return [camera.x + (px - width / 2) / sx, camera.y - (py - height / 2) / sy];
}

/** The data rectangle visible on the canvas. */
export function visibleData(frame: ScatterFrame): Rectangle {
  const [x0, y0] = screenToData(frame, 0, frame.height);
  const [x1, y1] = screenToData(frame, frame.width, 0);
  return { xMin: x0, xMax: x1, yMin: y0, yMax: y1 };
}

/** deck.gl OrthographicView state (y up) for a frame. */
export function toOrthographicViewState(frame: ScatterFrame): {
  target: [number, number, number];
  zoomX: number;
  zoomY: number;
} {
  return {
    target: [frame.camera.x, frame.camera.y, 0],
    zoomX: frame.baseZoomX + frame.camera.zoom,
    zoomY: frame.baseZoomY + frame.camera.zoom,
  };
}

/** Back from deck.gl's view state after a pan or zoom: both axes zoom together, so x's zoom speaks for both. */
export function fromOrthographicViewState(
  frame: ScatterFrame,
  viewState: { target?: readonly number[]; zoomX?: number; zoom?: number | readonly number[] },
): ScatterCamera {
  const target = viewState.target ?? [frame.camera.x, frame.camera.y];
  const zoom = viewState.zoom;
  const zoomX = viewState.zoomX ?? (typeof zoom === 'number' ? zoom : zoom ? zoom[0] : frame.baseZoomX);
  return { x: target[0], y: target[1], zoom: zoomX - frame.baseZoomX };
}

/** Round tick values (steps of 1, 2 or 5 times a power of ten) covering [min, max], about `target` of them. */
export function niceTicks(min: number, max: number, target = 6): number[] {
  if (!(max > min) || !Number.isFinite(min) || !Number.isFinite(max)) return [];
  const rough = (max - min) / Math.max(1, target);
  const power = 10 ** Math.floor(Math.log10(rough));
  const fraction = rough / power;
  const step = (fraction < 1.5 ? 1 : fraction < 3 ? 2 : fraction < 7 ? 5 : 10) * power;
  const ticks: number[] = [];
  for (let k = Math.ceil(min / step); k * step <= max + step * 1e-9; k++) {
    // Snap to the step's precision so that 0.30000000000000004 prints as 0.3.
    ticks.push(Number((k * step).toPrecision(12)));
  }
  return ticks;
}

export function formatTick(value: number): string {
  const magnitude = Math.abs(value);
  if (magnitude !== 0 && (magnitude >= 1e5 || magnitude < 1e-3)) return value.toExponential(1);
  return String(Number(value.toPrecision(6)));
}

/**
 * The point nearest `index` on screen in `direction`: among those within 45 degrees of it, the one with the least
 * distance, counting sideways distance twice so that a step goes straight where it can. Null at an edge.
 */
export function nextPointInDirection(frame: ScatterFrame, xy: Float32Array, index: number, direction: Direction): number | null {
  const [x0, y0] = dataToScreen(frame, xy[2 * index], xy[2 * index + 1]);
  let best: number | null = null;
  let bestScore = Infinity;
  for (let i = 0; i < xy.length >> 1; i++) {
    if (i === index) continue;
    const [x, y] = dataToScreen(frame, xy[2 * i], xy[2 * i + 1]);
    const ahead = direction === 'right' ? x - x0 : direction === 'left' ? x0 - x : direction === 'down' ? y - y0 : y0 - y;
    const aside = direction === 'right' || direction === 'left' ? Math.abs(y - y0) : Math.abs(x - x0);
    if (!(ahead > 0) || aside > ahead) continue;
    const score = ahead * ahead + 4 * aside * aside;
    if (score < bestScore) [best, bestScore] = [i, score];
  }
  return best;
}
