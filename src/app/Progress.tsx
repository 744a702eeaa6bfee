import { useExplorer, type StageProgress } from '../state/store.ts';

const TITLES: Record<StageProgress['name'], string> = {
  fetch: 'Fetch ERA5',
  encode: 'Encode',
  pca: 'PCA',
  probe: 'Probe fit',
};

function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 ** 2) return `${(bytes / 1024).toFixed(0)} kB`;
  return `${(bytes / 1024 ** 2).toFixed(1)} MB`;
}

function describeStage(stage: StageProgress): string {
  if (stage.status === 'cached') return 'from cache';
  if (stage.status === 'waiting') return 'waiting';
  if (stage.status === 'cancelled') return 'cancelled';
  if (stage.status === 'failed') return 'failed';
  const amount =
    stage.unit === 'bytes'
      ? `${formatBytes(stage.done)}${stage.total > stage.done ? ` of ~${formatBytes(stage.total)}` : ''}`
      : stage.unit === 'tiles'
        ? `${stage.done} / ${stage.total} tiles`
        : stage.unit === 'chunks'
          ? `${stage.done} / ${stage.total} chunks · ${formatBytes(stage.bytes ?? 0)}`
          : `${stage.done} %`;
  const time = stage.milliseconds !== null ? ` · ${(stage.milliseconds / 1000).toFixed(2)} s` : '';
  return amount + time;
}

/** Staged progress of a run, with the real numbers of each stage. */
export function Progress() {
  const stages = useExplorer((state) => state.stages);
  if (stages.length === 0) return null;
  return (
    <div className="progress" role="group" aria-label="Run progress">
      {stages.map((stage) => {
        const fraction = stage.status === 'done' || stage.status === 'cached' ? 1 : stage.total > 0 ? Math.min(1, stage.done / stage.total) : 0;
        return (
          <div key={stage.name} className={`stage ${stage.status}`} data-stage={stage.name} data-status={stage.status}>
            <div>
              <strong>{stage.title ?? TITLES[stage.name]}</strong> · {describeStage(stage)}
            </div>
            <div className="bar" role="progressbar" aria-label={stage.title ?? TITLES[stage.name]} aria-valuemin={0} aria-valuemax={100} aria-valuenow={Math.round(fraction * 100)}>
              <div style={{ width: `${fraction * 100}%` }} />
            </div>
          </div>
        );
      })}
    </div>
  );
}
