// Hover, tooltip position and click for the points of one deck.gl layer: shared by both views, so that
// a hover in either one reaches the store the same way (and only when the patch under the pointer changes).
import type { PickingInfo } from '@deck.gl/core';
import { useCallback, useRef, useState } from 'react';

export interface HoverState {
  index: number;
  x: number;
  y: number;
}

export function usePatchPicking(layerId: string, onPickPatch: (index: number | null) => void, onHoverPatch?: (index: number | null) => void) {
  const [hover, setHover] = useState<HoverState | null>(null);
  const lastHovered = useRef<number | null>(null);
  const patchOf = useCallback((info: PickingInfo) => (info.layer?.id === layerId && info.index >= 0 ? info.index : null), [layerId]);

  const onHover = useCallback(
    (info: PickingInfo) => {
      const index = patchOf(info);
      setHover(index === null ? null : { index, x: info.x, y: info.y });
      if (index !== lastHovered.current) {
        lastHovered.current = index;
        onHoverPatch?.(index);
      }
    },
    [patchOf, onHoverPatch],
  );
  const onPointerLeave = useCallback(() => {
    setHover(null);
    if (lastHovered.current !== null) {
      lastHovered.current = null;
      onHoverPatch?.(null);
    }
  }, [onHoverPatch]);
  const onClick = useCallback((info: PickingInfo) => onPickPatch(patchOf(info)), [patchOf, onPickPatch]);

  return { hover, onHover, onPointerLeave, onClick };
}
