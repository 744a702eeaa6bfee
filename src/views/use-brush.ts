// Pointer handling for a drag that draws a rectangle or a lasso over a view, in the element's own pixels.
// The view decides what the shape selects; this only tracks the gesture.
import { useCallback, useRef, useState, type PointerEvent } from 'react';
import { simplifyPath } from './selection.ts';
import type { SelectMode } from './types.ts';

export type BrushShape = 'rectangle' | 'lasso';

export interface BrushGesture {
  shape: BrushShape;
  /** Pixels relative to the element: two corners for a rectangle, the path for a lasso. */
  points: [number, number][];
}

/** A drag shorter than this, in pixels, is a click and selects nothing. */
const MIN_DRAG_PIXELS = 4;

export interface BrushHandlers {
  gesture: BrushGesture | null;
  onPointerDown: (event: PointerEvent<HTMLElement>) => void;
  onPointerMove: (event: PointerEvent<HTMLElement>) => void;
  onPointerUp: (event: PointerEvent<HTMLElement>) => void;
  onPointerCancel: () => void;
}

/**
 * `shapeFor` says, at pointer down, whether this press starts a brush (and which) or is left to deck.gl.
 * `onBrushEnd` gets the finished gesture and 'add' when shift was held at release.
 */
export function useBrush(
  shapeFor: (event: PointerEvent<HTMLElement>) => BrushShape | null,
  onBrushEnd: (gesture: BrushGesture, mode: SelectMode) => void,
): BrushHandlers {
  const [gesture, setGesture] = useState<BrushGesture | null>(null);
  const active = useRef<BrushGesture | null>(null);

  const local = (event: PointerEvent<HTMLElement>): [number, number] => {
    const box = event.currentTarget.getBoundingClientRect();
    return [event.clientX - box.left, event.clientY - box.top];
  };

  const onPointerDown = useCallback(
    (event: PointerEvent<HTMLElement>) => {
      if (event.button !== 0) return;
      const shape = shapeFor(event);
      if (!shape) return;
      event.currentTarget.setPointerCapture(event.pointerId);
      const start = local(event);
      active.current = { shape, points: shape === 'rectangle' ? [start, start] : [start] };
      setGesture(active.current);
    },
    [shapeFor],
  );

  const onPointerMove = useCallback((event: PointerEvent<HTMLElement>) => {
    const current = active.current;
    if (!current) return;
    const point = local(event);
    active.current =
      current.shape === 'rectangle'
        ? { shape: 'rectangle', points: [current.points[0], point] }
        : { shape: 'lasso', points: [...current.points, point] };
    setGesture(active.current);
  }, []);

  const onPointerUp = useCallback(
    (event: PointerEvent<HTMLElement>) => {
      const finished = active.current;
      if (!finished) return;
      active.current = null;
      setGesture(null);
      if (event.currentTarget.hasPointerCapture(event.pointerId)) event.currentTarget.releasePointerCapture(event.pointerId);
      const xs = finished.points.map((p) => p[0]);
      const ys = finished.points.map((p) => p[1]);
      if (Math.max(...xs) - Math.min(...xs) < MIN_DRAG_PIXELS && Math.max(...ys) - Math.min(...ys) < MIN_DRAG_PIXELS) return;
      const points = finished.shape === 'lasso' ? simplifyPath(finished.points, 1.5) : finished.points;
      onBrushEnd({ shape: finished.shape, points }, event.shiftKey ? 'add' : 'replace');
    },
    [onBrushEnd],
  );

  const onPointerCancel = useCallback(() => {
    active.current = null;
    setGesture(null);
  }, []);

  return { gesture, onPointerDown, onPointerMove, onPointerUp, onPointerCancel };
}

/** SVG path data for a gesture, for drawing it over the view. */
export function gesturePath(gesture: BrushGesture): string {
  if (gesture.shape === 'rectangle') {
    const [[x0, y0], [x1, y1]] = gesture.points;
    return `M${x0},${y0}H${x1}V${y1}H${x0}Z`;
  }
  return `M${gesture.points.map(([x, y]) => `${x},${y}`).join('L')}Z`;
}
