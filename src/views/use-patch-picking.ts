// Hover, tooltip position and click for the patches of one view, picked on the CPU (point-index.ts) from the
// pointer's place in the element: shared by both views, so that a hover in either one reaches the store the same
// way (and only when the patch under the pointer changes). No WebGL drawing or read-back happens on a hover.
import { useCallback, useRef, useState, type MouseEvent, type PointerEvent } from 'react';
import type { BrushHandlers } from './use-brush.ts';

export interface HoverState {
  index: number;
  x: number;
  y: number;
}

/** A press that moves more than this many pixels before its release is a drag (a pan or a brush), not a click. */
const CLICK_SLOP_PIXELS = 4;

function local(event: MouseEvent<HTMLElement>): [number, number] {
  const box = event.currentTarget.getBoundingClientRect();
  return [event.clientX - box.left, event.clientY - box.top];
}

/** `pick` says which patch is drawn at (x, y), in pixels of the element the handlers are on; null for none. */
export function usePatchPicking(
  pick: (x: number, y: number) => number | null,
  onPickPatch: (index: number | null) => void,
  onHoverPatch?: (index: number | null) => void,
) {
  const [hover, setHover] = useState<HoverState | null>(null);
  const lastHovered = useRef<number | null>(null);
  const pressedAt = useRef<[number, number] | null>(null);

  const report = useCallback(
    (index: number | null) => {
      if (index === lastHovered.current) return;
      lastHovered.current = index;
      onHoverPatch?.(index);
    },
    [onHoverPatch],
  );
  const onPointerMove = useCallback(
    (event: PointerEvent<HTMLElement>) => {
      // While a button is down the pointer pans or brushes: no tooltip follows it.
      if (event.buttons !== 0) return;
      const [x, y] = local(event);
      const index = pick(x, y);
      setHover(index === null ? null : { index, x, y });
      report(index);
    },
    [pick, report],
  );
  const onPointerLeave = useCallback(() => {
    setHover(null);
    report(null);
  }, [report]);
  const onPointerDown = useCallback((event: PointerEvent<HTMLElement>) => {
    pressedAt.current = local(event);
  }, []);
  const onClick = useCallback(
    (event: MouseEvent<HTMLElement>) => {
      const [x, y] = local(event);
      const start = pressedAt.current;
      pressedAt.current = null;
      if (start && Math.hypot(x - start[0], y - start[1]) > CLICK_SLOP_PIXELS) return;
      onPickPatch(pick(x, y));
    },
    [pick, onPickPatch],
  );

  return { hover, onPointerMove, onPointerLeave, onPointerDown, onClick };
}

export type PatchPicking = ReturnType<typeof usePatchPicking>;

/** A view canvas's pointer handlers: picking (hover, click) and the brush both see every press and move. */
export function canvasPointerHandlers(picking: PatchPicking, brush: BrushHandlers) {
  return {
    onPointerDown: (event: PointerEvent<HTMLElement>) => {
      picking.onPointerDown(event);
      brush.onPointerDown(event);
    },
    onPointerMove: (event: PointerEvent<HTMLElement>) => {
      picking.onPointerMove(event);
      brush.onPointerMove(event);
    },
    onPointerUp: brush.onPointerUp,
    onPointerCancel: brush.onPointerCancel,
    onPointerLeave: picking.onPointerLeave,
    onClick: picking.onClick,
  };
}
