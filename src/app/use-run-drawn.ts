// The run's last stage, 'draw', ends when both views have drawn its result: the bar does not read finished while
// the views are still being built (seconds with software WebGL, more on a first run while shaders compile).
import { useCallback, useRef } from 'react';
import { useExplorer } from '../state/store.ts';

/** `onDrawn` callbacks for the scatter and the globe that show `result`. */
export function useRunDrawn(result: unknown): { onScatterDrawn: () => void; onGlobeDrawn: () => void } {
  const drawn = useRef<{ result: unknown; views: Set<string> } | null>(null);
  const onDrawnBy = useCallback(
    (view: string) => {
      const current = drawn.current !== null && drawn.current.result === result ? drawn.current : { result, views: new Set<string>() };
      drawn.current = current;
      const { views } = current;
      if (views.has(view)) return;
      views.add(view);
      // deck.gl has issued its draw calls; the frame that shows them is on screen once the next one starts.
      if (views.size === 2) requestAnimationFrame(() => requestAnimationFrame(() => useExplorer.getState().finishDrawing()));
    },
    [result],
  );
  const onScatterDrawn = useCallback(() => onDrawnBy('scatter'), [onDrawnBy]);
  const onGlobeDrawn = useCallback(() => onDrawnBy('globe'), [onDrawnBy]);
  return { onScatterDrawn, onGlobeDrawn };
}
