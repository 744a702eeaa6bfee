// Runs the Sweep panel's sweep with the app's workers and caches: one at a time (a new one cancels
// the previous), its cells into the sweep store as they come, its end (done, cancelled, failed) told.
import { useCallback, useMemo, useRef } from 'react';
import { describeError } from '../../describe-error.ts';
import { isCancelled } from '../../errors.ts';
import { useExplorer } from '../../state/store.ts';
import type { StudyTime } from '../../studies/study-time.ts';
import type { SourceClient } from '../../workers/encoder-client.ts';
import type { ProbesClient } from '../../workers/probes-client.ts';
import type { LatentCache } from '../latent-cache.ts';
import type { ModelEntry } from '../models.ts';
import { usePercentileFiles } from '../extremes/extremes-store.ts';
import { SweepCellCache } from './sweep-cache.ts';
import { sweepInApp } from './sweep-in-app.ts';
import { useSweep } from './sweep-store.ts';

export interface SweepWorkers {
  source: SourceClient;
  probes: ProbesClient;
  cache: LatentCache<StudyTime>;
}

export function useSweepRunner(workers: SweepWorkers, models: readonly ModelEntry[], storeTimes: readonly string[]) {
  const cells = useMemo(() => new SweepCellCache(), []);
  const running = useRef<AbortController | null>(null);
  const run = useCallback(async () => {
    running.current?.abort();
    const controller = new AbortController();
    running.current = controller;
    const sweep = useSweep.getState();
    try {
      const result = await sweepInApp(useExplorer.getState().settings, {
        source: workers.source,
        probes: workers.probes,
        latents: workers.cache,
        cells,
        models,
        percentileFiles: usePercentileFiles.getState().files,
        storeTimes,
        signal: controller.signal,
        onStart: (times, levels, description) => sweep.start(times, levels, description),
        onCell: (cell, cached) => useSweep.getState().addCell(cell, cached),
        onSkipped: (skipped) => useSweep.getState().addSkipped(skipped),
        onProgress: (progress) => useSweep.getState().setProgress(progress),
      });
      if (running.current === controller) useSweep.getState().finish('done', result.transfer);
    } catch (error) {
      if (running.current !== controller) return;
      if (isCancelled(error)) useSweep.getState().finish('cancelled');
      else {
        useSweep.getState().finish('failed', null, describeError(error));
        useExplorer.getState().notify('error', 'The sweep failed', describeError(error));
      }
    } finally {
      if (running.current === controller) running.current = null;
    }
  }, [workers, models, storeTimes, cells]);
  const cancel = useCallback(() => running.current?.abort(), []);
  return { run, cancel };
}
