// What the views show, always: the study, date (or times), level and model or latent store of the run
// on screen; a banner when the set-up has changed since (a new date or level picked, a run that failed
// or was cancelled), naming what is shown and what Run would show.
import { useLayoutEffect, useRef } from 'react';
import { describeChanges, describeShown } from '../state/shown.ts';
import { useExplorer, type RunEnd } from '../state/store.ts';

function describeEnd(end: RunEnd, showing: boolean): string {
  const where = end.stage ? ` during ${end.stage}` : '';
  const kept = showing ? ' The views still show the previous run.' : '';
  if (end.status === 'failed') return `The run failed${where}${end.reason ? `: ${end.reason}` : ''}.${kept}`;
  const stopped = end.stopMilliseconds === null ? '' : ` Its work stopped ${(end.stopMilliseconds / 1000).toFixed(2)} s after Cancel`;
  const idle = end.busyJobs.length === 0 ? (stopped ? '; no worker is busy.' : '') : `; still running: ${end.busyJobs.join(', ')}.`;
  return `The run was cancelled${where}.${stopped}${idle}${kept}`;
}

export function ShownBanner() {
  const settings = useExplorer((state) => state.settings);
  const shown = useExplorer((state) => state.shown[state.settings.study]);
  const runEnd = useExplorer((state) => state.runEnd);
  const running = useExplorer((state) => state.runStatus === 'running');
  const runSettings = useExplorer((state) => state.runSettings);
  const changes = shown ? describeChanges(settings, shown, runSettings) : null;
  // A run keeps the banner as tall as it was at Run (the last run's end line goes, leaving its room): the views
  // below are not resized while a run is in flight, which would redraw all they show (seconds in software GL).
  const banner = useRef<HTMLDivElement>(null);
  const idleHeight = useRef(0);
  useLayoutEffect(() => {
    if (!running) idleHeight.current = banner.current?.offsetHeight ?? 0;
  });
  if (!shown && !runEnd) return null;
  return (
    <div className="shown-banner" ref={banner} style={running ? { minHeight: idleHeight.current } : undefined}>
      {shown && (
        <p className="shown-caption" aria-label="Shown" data-shown-time={shown.time ?? ''} data-shown-level={shown.level}>
          {describeShown(shown)}
        </p>
      )}
      {runEnd && !running && (
        <p className={`run-end ${runEnd.status}`} role="status" aria-label="Run ended" data-status={runEnd.status} data-stop-ms={runEnd.stopMilliseconds ?? ''} data-busy-jobs={runEnd.busyJobs.length}>
          {describeEnd(runEnd, shown !== undefined)}
        </p>
      )}
      {changes && (
        <p className="setup-changed" role="status" aria-label="Set-up differs from the views">
          {changes}
        </p>
      )}
    </div>
  );
}
