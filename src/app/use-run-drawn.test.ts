// A run waits for its PCA preview to be drawn before it fits the probe: drawn, aborted or capped, never stuck.
import { afterEach, describe, expect, it } from 'vitest';
import { useExplorer } from '../state/store.ts';
import { viewsDrawn } from './use-run-drawn.ts';

const drawStage = (status: 'running' | 'done') => [{ name: 'draw' as const, status, done: 0, total: 0, unit: 'views', milliseconds: null }];

describe('viewsDrawn', () => {
  afterEach(() => useExplorer.getState().setStages([]));

  it('resolves when the views have drawn', async () => {
    useExplorer.getState().setStages(drawStage('running'));
    let resolved = false;
    const waiting = viewsDrawn(new AbortController().signal, 60_000).then(() => (resolved = true));
    await new Promise((later) => setTimeout(later, 10));
    expect(resolved).toBe(false);
    useExplorer.getState().finishDrawing();
    await waiting;
    expect(resolved).toBe(true);
  });

  it('resolves at once when nothing is being drawn, on abort, and at its cap', async () => {
    await viewsDrawn(new AbortController().signal, 60_000);
    useExplorer.getState().setStages(drawStage('running'));
    const controller = new AbortController();
    const aborted = viewsDrawn(controller.signal, 60_000);
    controller.abort();
    await aborted;
    await viewsDrawn(new AbortController().signal, 5);
    expect(useExplorer.getState().stages[0]?.status).toBe('running');
  });
});
