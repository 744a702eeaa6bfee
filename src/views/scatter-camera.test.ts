import { describe, expect, it } from 'vitest';
import {
  dataExtent,
  dataToScreen,
  fittedCamera,
  fromOrthographicViewState,
  makeFrame,
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
