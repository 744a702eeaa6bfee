import { useExplorer, type StageProgress } from '../state/store.ts';

const TITLES: Record<StageProgress['name'], string> = {
  fetch: 'Fetch ERA5',
  encode: 'Encode',
  pca: 'PCA',
  probe: 'Probe fit',
  draw: 'Views',
  baselines: 'Baselines',
};

function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 ** 2) return `${(bytes / 1024).toFixed(0)} kB`;
  return `${(bytes / 1024 ** 2).toFixed(1)} MB`;
}

function describeStage(stage: StageProgress): string {
  const time = stage.milliseconds !== null ? ` · ${(stage.milliseconds / 1000).toFixed(2)} s` : '';
  switch (stage.status) {
    case 'cached':
      return 'from cache';
    case 'waiting':
      return 'waiting';
    case 'cancelled':
      return 'cancelled';
    case 'failed':
      return 'failed';
    case 'ready':
      return `computed${time}, showing…`;
  }
  if (stage.name === 'draw') return stage.status === 'done' ? `drawn${time}` : 'drawing…';
  if (stage.name === 'baselines') return stage.status === 'done' ? `compared${time}` : (stage.detail ?? 'comparing…');
  const amount =
    stage.unit === 'bytes'
      ? `${formatBytes(stage.done)}${stage.total > stage.done ? ` of ~${formatBytes(stage.total)}` : ''}`
      : stage.unit === 'tiles'
        ? `${stage.done} / ${stage.total} tiles`
        : stage.unit === 'chunks'
          ? `${stage.done} / ${stage.total} chunks · ${formatBytes(stage.bytes ?? 0)}`
          : // A stage still running has not finished, whatever its last report said.
            `${stage.status === 'running' ? Math.min(99, stage.done) : stage.done} %`;
  return amount + time + (stage.retried ? ` · ${stage.retried}` : '');
}

/** How far a stage's bar is filled: full only when its result is on screen. */
function fraction(stage: StageProgress): number {
  if (stage.status === 'done' || stage.status === 'cached') return 1;
  if (stage.status === 'ready') return 0.95;
  return stage.total > 0 ? Math.min(0.95, stage.done / stage.total) : 0;
}

/**
 * Staged progress of the run of the study on screen, with the real numbers of each stage. A stage reads finished
 * only once its result is on screen; the views' drawing and work after the views appear have their own lines.
 */
export function Progress() {
  const stages = useExplorer((state) => state.stages);
  const stagesStudy = useExplorer((state) => state.stagesStudy);
  const study = useExplorer((state) => state.settings.study);
  if (stages.length === 0 || stagesStudy !== study) return null;
  return (
    <div className="progress" role="group" aria-label="Run progress">
      {stages.map((stage) => {
        const filled = fraction(stage);
        return (
          <div key={stage.name} className={`stage ${stage.status}`} data-stage={stage.name} data-status={stage.status}>
            <div className="stage-line" title={`${stage.title ?? TITLES[stage.name]} · ${describeStage(stage)}`}>
              <strong>{stage.title ?? TITLES[stage.name]}</strong> · {describeStage(stage)}
            </div>
            <div
              className="bar"
              role="progressbar"
              aria-label={stage.title ?? TITLES[stage.name]}
              aria-valuemin={0}
              aria-valuemax={100}
              aria-valuenow={Math.round(filled * 100)}
              aria-valuetext={describeStage(stage)}
            >
              <div style={{ width: `${filled * 100}%` }} />
            </div>
          </div>
        );
      })}
    </div>
  );
}

/** A stage's name as its progress line shows it. */
export function stageTitle(stage: StageProgress): string {
  return stage.title ?? TITLES[stage.name];
}
