import { describe, expect, it } from 'vitest';
import {
  dataExtent,
  dataToScreen,
  fittedCamera,
  fromOrthographicViewState,
  makeFrame,
  nextPointInDirection,
  niceTicks,
  screenToData,
  toOrthographicViewState,
  visibleData,
} from './scatter-camera.ts';

describe('scatter camera', () => {
  const extent = dataExtent(new Float32Array([-10, 0, 30, 1, Number.NaN, 5]));
  const frame = makeFrame(fittedCamera(extent), extent, 440, 240, 20);

  it('fits the data in the canvas less padding, each axis on its own scale', () => {
    expect(extent).toEqual({ xMin: -10, xMax: 30, yMin: 0, yMax: 1 });
    const expectPixel = ([x, y]: [number, number], ex: number, ey: number) => {
      expect(x).toBeCloseTo(ex, 9);
      expect(y).toBeCloseTo(ey, 9);
    };
    expectPixel(dataToScreen(frame, -10, 0), 20, 220);
    expectPixel(dataToScreen(frame, 30, 1), 420, 20);
  });

  it('round-trips screen and data coordinates', () => {
    const [x, y] = screenToData(frame, 123, 45);
    const [px, py] = dataToScreen(frame, x, y);
    expect(px).toBeCloseTo(123, 9);
    expect(py).toBeCloseTo(45, 9);
    const visible = visibleData(frame);
    expect(visible.xMin).toBeCloseTo(-12, 9);
    expect(visible.yMax).toBeCloseTo(1.1, 9);
  });

  it('converts to and from deck.gl view state', () => {
    const zoomed = { ...frame, camera: { x: 3, y: 0.2, zoom: 1.5 } };
    const viewState = toOrthographicViewState(zoomed);
    expect(viewState.zoomX - viewState.zoomY).toBeCloseTo(frame.baseZoomX - frame.baseZoomY, 12);
    const camera = fromOrthographicViewState(zoomed, viewState);
    expect(camera.x).toBe(3);
    expect(camera.y).toBe(0.2);
    expect(camera.zoom).toBeCloseTo(1.5, 12);
  });
});

describe('niceTicks', () => {
  it('picks round steps', () => {
    expect(niceTicks(0, 1, 5)).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1]);
    expect(niceTicks(-23, 47, 6)).toEqual([-20, -10, 0, 10, 20, 30, 40]);
    expect(niceTicks(0.1, 0.35, 5)).toEqual([0.1, 0.15, 0.2, 0.25, 0.3, 0.35]);
    expect(niceTicks(5, 5)).toEqual([]);
  });
});

describe('nextPointInDirection', () => {
  // Zoom 0 on base zooms 0: one data unit is one pixel, so data (x, y) is drawn at (100 + x, 100 - y).
  const frame = { camera: { x: 0, y: 0, zoom: 0 }, width: 200, height: 200, baseZoomX: 0, baseZoomY: 0 };
  // 0 at the centre; 1 right; 2 further right but in line; 3 up and a little right; 4 left; 5 down-right at 45+ degrees.
  const xy = new Float32Array([0, 0, 10, 2, 30, 0, 3, 20, -8, 0, 10, -12]);

  it('steps to the nearest point within 45 degrees of the arrow, counting sideways distance twice', () => {
    expect(nextPointInDirection(frame, xy, 0, 'right')).toBe(1);
    expect(nextPointInDirection(frame, xy, 0, 'left')).toBe(4);
    expect(nextPointInDirection(frame, xy, 0, 'up')).toBe(3);
    expect(nextPointInDirection(frame, xy, 1, 'right')).toBe(2);
  });

  it('finds nothing past the edge, and skips points more than 45 degrees off the arrow', () => {
    expect(nextPointInDirection(frame, xy, 2, 'right')).toBeNull();
    // Point 5 is 10 right and 12 down of 0: more down than right, so not to the right, and below.
    expect(nextPointInDirection(frame, xy, 0, 'down')).toBe(5);
  });
});
