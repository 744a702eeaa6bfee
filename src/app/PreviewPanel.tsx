// The right-hand panel while a run's probe is fitted: its PCA is on screen already (the views and the
// explained variance); the metrics, the misclassified list and the rest come with the probe's result.
import type { ExplorerPreview } from '../state/result.ts';
import { useExplorer } from '../state/store.ts';
import { ExplainedVariance } from './ResultsPanel.tsx';

export function PreviewPanel({ preview }: { preview: ExplorerPreview }) {
  const probe = useExplorer((state) => state.stages.find((stage) => stage.name === 'probe'));
  const fitted = probe?.status === 'running' ? ` (${Math.min(99, probe.done)} %)` : '';
  return (
    <aside className="side-panel" aria-label="Results">
      <section className="panel-section" aria-label="Probe pending">
        <h2>Probe on the test set</h2>
        <p className="store-status">
          Fitting the probe on {preview.trainCount.toLocaleString('en')} training patches{fitted}; its {preview.testCount.toLocaleString('en')} test patches are scored when it ends. Until then the
          views show the PCA, coloured by label where the colouring needs the probe.
        </p>
      </section>
      <ExplainedVariance ratios={preview.explainedVarianceRatio} />
    </aside>
  );
}
