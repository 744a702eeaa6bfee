// The run's last stage, 'draw', ends when both views have drawn its result: the bar does not read finished while
// the views are still being built (seconds with software WebGL, more on a first run while shaders compile).
import { useCallback, useRef } from 'react';
import { useExplorer, type ExplorerState } from '../state/store.ts';

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

/** Whether the views are still drawing what they were last given (the draw stage runs). */
const drawing = (state: ExplorerState) => state.stages.some((stage) => stage.name === 'draw' && stage.status === 'running');

/**
 * Resolves once the views have drawn (the draw stage no longer runs), `signal` aborts, or `capMs` passed: a run
 * shows its PCA and waits for it to be on screen before fitting its probe, whose worker would otherwise take the
 * CPU that software WebGL draws with (a 0.25-degree globe's first frame took 13-22 s beside the fit on 2 loaded cores).
 */
export function viewsDrawn(signal: AbortSignal, capMs: number): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted || !drawing(useExplorer.getState())) return resolve();
    const done = () => {
      unsubscribe();
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const unsubscribe = useExplorer.subscribe((state) => {
      if (!drawing(state)) done();
    });
    const timer = setTimeout(done, capMs);
    signal.addEventListener('abort', done);
  });
}
