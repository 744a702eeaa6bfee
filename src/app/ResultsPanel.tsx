// The right-hand panel: how the probe did (metrics against the majority baseline), the explained
// variance, what ran where, the misclassified patches, and the inspector of the selected patch.
import { useMemo } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { useExplorer } from '../state/store.ts';
import { MODEL_FEATURES, type ExplorerResult } from '../state/result.ts';
import { COLOUR_MODES, SCATTER_AXES, type ViewSettings } from '../state/view-settings.ts';
import { writeNpy } from '../io/npy.ts';
import { misclassifiedPatches } from '../studies/land-sea.ts';
import { COLOUR_MODE_TITLES, formatPlace, SelectionExports } from '../views/index.ts';
import { saveFile } from '../views/export.ts';
import { AnaloguesSection, type OpenAnalogueMatch } from './analogues/AnaloguesSection.tsx';
import type { FindAnalogues } from './analogues/analogues-in-app.ts';
import { CompareSection, type CompareTools } from './compare/CompareSection.tsx';
import { Inspector, type NeighbourSearch } from './Inspector.tsx';
import { WeightingMemory } from './weighting-effect.ts';

const percent = (value: number) => (Number.isFinite(value) ? `${(value * 100).toFixed(2)} %` : '—');
const points = (difference: number) => `${difference >= 0 ? '+' : '−'}${Math.abs(100 * difference).toFixed(2)} pts`;
/** Across results: the toggle's effect is a comparison of two runs. */
const weightingMemory = new WeightingMemory();
const AXIS_TITLES: Record<ViewSettings['xAxis'], string> = { pc1: 'PC1', pc2: 'PC2', pc3: 'PC3', pc4: 'PC4', concept: 'Concept score' };

export function ResultsPanel({
  result,
  findNeighbours,
  findAnalogues,
  openAnalogueMatch,
  compareTools,
}: {
  result: ExplorerResult;
  findNeighbours: NeighbourSearch;
  findAnalogues: FindAnalogues;
  openAnalogueMatch: OpenAnalogueMatch;
  compareTools: CompareTools;
}) {
  // Only the fields shown here: a camera move or a brush does not re-render the panel.
  const settings = useExplorer(
    useShallow((state) => ({
      colourBy: state.settings.colourBy,
      colourPc: state.settings.colourPc,
      xAxis: state.settings.xAxis,
      yAxis: state.settings.yAxis,
      selectedPatch: state.settings.selectedPatch,
    })),
  );
  const updateSettings = useExplorer((state) => state.updateSettings);
  const misclassified = useMemo(() => misclassifiedOf(result), [result]);
  const weighting = useMemo(() => weightingMemory.record(result), [result]);
  const landCalledSea = misclassified.filter((row) => row.truth === 1).length;
  const { metrics } = result;
  const [[tn, fp], [fn, tp]] = metrics.confusion;

  return (
    <aside className="side-panel" aria-label="Results">
      <section className="panel-section">
        <h2>View</h2>
        <div className="field-row">
          <label className="field">
            <span>Colour by</span>
            <select aria-label="Colour by" value={settings.colourBy} onChange={(event) => updateSettings({ colourBy: event.target.value as ViewSettings['colourBy'] })}>
              {COLOUR_MODES.map((mode) => (
                <option key={mode} value={mode}>
                  {COLOUR_MODE_TITLES[mode]}
                </option>
              ))}
            </select>
          </label>
          {settings.colourBy === 'pc' && (
            <label className="field compact">
              <span>PC</span>
              <select aria-label="Colour by PC" value={settings.colourPc} onChange={(event) => updateSettings({ colourPc: Number(event.target.value) })}>
                {Array.from({ length: result.table.pcCount ?? 0 }, (_, k) => (
                  <option key={k} value={k + 1}>
                    PC{k + 1}
                  </option>
                ))}
              </select>
            </label>
          )}
        </div>
        <div className="field-row">
          {(['xAxis', 'yAxis'] as const).map((axis) => (
            <label className="field" key={axis}>
              <span>{axis === 'xAxis' ? 'X axis' : 'Y axis'}</span>
              <select aria-label={axis === 'xAxis' ? 'X axis' : 'Y axis'} value={settings[axis]} onChange={(event) => updateSettings({ [axis]: event.target.value as ViewSettings['xAxis'] })}>
                {SCATTER_AXES.map((option) => (
                  <option key={option} value={option}>
                    {AXIS_TITLES[option]}
                  </option>
                ))}
              </select>
            </label>
          ))}
        </div>
      </section>

      <section className="panel-section" aria-label="Metrics">
        <h2>Probe on the test set{result.shownFeatures.id === MODEL_FEATURES.id ? '' : ` (${result.shownFeatures.label})`}</h2>
        <table className="metrics">
          <tbody>
            <tr><th>Accuracy</th><td data-metric="accuracy">{percent(metrics.accuracy)}</td></tr>
            <tr><th>Majority baseline</th><td>{percent(result.majorityBaselineAccuracy)}</td></tr>
            <tr><th>Precision</th><td data-metric="precision">{percent(metrics.precision)}</td></tr>
            <tr><th>Recall</th><td data-metric="recall">{percent(metrics.recall)}</td></tr>
            <tr><th>F1</th><td>{metrics.f1.toFixed(4)}</td></tr>
            <tr><th>ROC-AUC</th><td>{Number.isFinite(metrics.rocAuc) ? metrics.rocAuc.toFixed(4) : '— (one class)'}</td></tr>
            <tr><th>Train / test patches</th><td>{result.trainCount} / {result.testCount}</td></tr>
            <tr><th>Fit</th><td>{result.probeIterations} Newton steps, {result.probeConverged ? 'converged' : 'NOT converged'}</td></tr>
            <tr><th>Patch weights</th><td data-metric="area-weights">{result.areaWeights ? 'cos(latitude), PCA and probe' : 'equal'}</td></tr>
            {weighting && (
              <tr>
                <th>With {weighting.other} weights</th>
                <td data-metric="weighting-effect" title="The same run fitted with the other patch weights: the toggle's effect">
                  accuracy {percent(weighting.otherSummary.accuracy)} ({points(weighting.current.accuracy - weighting.otherSummary.accuracy)} now), PC1 {percent(weighting.otherSummary.pc1)}
                </td>
              </tr>
            )}
          </tbody>
        </table>
        <table className="metrics confusion" aria-label="Confusion matrix">
          <thead>
            <tr><th /><th>predicted sea</th><th>predicted land</th></tr>
          </thead>
          <tbody>
            <tr><th>sea</th><td>{tn}</td><td>{fp}</td></tr>
            <tr><th>land</th><td>{fn}</td><td>{tp}</td></tr>
          </tbody>
        </table>
      </section>

      <AnaloguesSection result={result} find={findAnalogues} openMatch={openAnalogueMatch} />

      <section className="panel-section" aria-label="Misclassified patches">
        <h2>
          Misclassified test patches ({misclassified.length})
        </h2>
        <p className="store-status">
          {landCalledSea} land called sea · {misclassified.length - landCalledSea} sea called land · most confident first
        </p>
        <ul className="mis-list" aria-label="Misclassified list">
          {misclassified.map((row) => (
            <li key={row.patch}>
              <button
                type="button"
                className={row.patch === settings.selectedPatch ? 'active' : ''}
                aria-current={row.patch === settings.selectedPatch ? 'true' : undefined}
                title="Inspect this patch"
                data-patch={row.patch}
                data-centre-lat={row.centreLat}
                data-centre-lon={row.centreLon360}
                onClick={() => updateSettings({ selectedPatch: row.patch })}
              >
                <span>
                  Patch {row.patch} · {formatPlace(row.centreLat, row.centreLon360)}
                </span>
                <span>
                  {row.truth === 1 ? 'land called sea' : 'sea called land'} · p={row.probabilityLand.toFixed(2)}
                </span>
              </button>
            </li>
          ))}
        </ul>
      </section>

      {settings.selectedPatch !== null && settings.selectedPatch < result.table.count && (
        <Inspector result={result} index={settings.selectedPatch} findNeighbours={findNeighbours} />
      )}

      <CompareSection result={result} tools={compareTools} />

      <ExplainedVariance ratios={result.explainedVarianceRatio} />

      <section className="panel-section" aria-label="Backends">
        <h2>Ran on</h2>
        <dl className="kv">
          <dt>Latents</dt>
          <dd data-testid="latent-source">{result.sourceName}</dd>
          <dt>Encoder</dt>
          <dd data-testid="encoder-backend">{result.modelId === null ? 'none: the latents were read' : result.encoderBackend}</dd>
          <dt>Probes (tfjs)</dt>
          <dd>{result.probeBackend}</dd>
          {(result.modelId === null ? (['fetch', 'pca', 'probe'] as const) : (['fetch', 'encode', 'pca', 'probe'] as const)).map((stage) => (
            <FragmentRow key={stage} label={stage === 'fetch' ? (result.modelId === null ? 'Read' : 'Fetch') : stage === 'encode' ? 'Encode' : stage === 'pca' ? 'PCA' : 'Probe fit'} value={result.times[stage]} />
          ))}
        </dl>
        {result.fallbackReason && <p className="store-status">{result.fallbackReason}</p>}
      </section>

      <section className="panel-section" aria-label="Exports">
        <h2>Export</h2>
        <div className="field-row">
          <button
            type="button"
            title="Aurora's encoder output: float32 (1, latent levels held × patches, D), level-major then patch (a latent store's run holds its level alone)"
            onClick={() => saveFile(`aurora-latents-${result.time.slice(0, 13)}.npy`, latentsNpy(result), 'application/octet-stream')}
          >
            Export latents (.npy)
          </button>
          <ExportSelected result={result} />
        </div>
      </section>

    </aside>
  );
}

/** The run's misclassified test patches, most confident first (the CLI's list, studies/land-sea.ts). */
function misclassifiedOf(result: ExplorerResult) {
  const { labels, probabilities } = result.table;
  if (!labels || !probabilities) return [];
  const testRows: number[] = [];
  result.isTest.forEach((isTest, row) => isTest && testRows.push(row));
  return misclassifiedPatches(result.studyTime.patches, result.studyTime.landFraction, labels, testRows, testRows.map((row) => probabilities[row]));
}

/** The latents held in Aurora's output layout, as the CLI's `encode --out x.npy` writes them. */
function latentsNpy(result: ExplorerResult): Blob {
  const { latents } = result.studyTime;
  const bytes = writeNpy({ data: latents.data, shape: [1, latents.levels.length * result.table.count, latents.embedDim] });
  return new Blob([bytes.slice().buffer], { type: 'application/octet-stream' });
}

/** The share of variance each PC explains, as bars: a run's PCA, shown as soon as it is done. */
export function ExplainedVariance({ ratios }: { ratios: Float64Array }) {
  return (
    <section className="panel-section" aria-label="Explained variance">
      <h2>Explained variance, first {ratios.length} PCs</h2>
      <div className="ev-bars">
        {Array.from(ratios, (ratio, k) => (
          <div key={k} style={{ height: `${Math.max(2, (ratio / (ratios[0] || 1)) * 100)}%` }} title={`PC${k + 1}: ${percent(ratio)}`} />
        ))}
      </div>
      <div className="ev-labels">
        {Array.from(ratios, (ratio, k) => (
          <span key={k}>{(ratio * 100).toFixed(1)}</span>
        ))}
      </div>
    </section>
  );
}

function FragmentRow({ label, value }: { label: string; value: number | null }) {
  return (
    <>
      <dt>{label}</dt>
      <dd>{value === null ? 'cached' : `${(value / 1000).toFixed(2)} s`}</dd>
    </>
  );
}

/** The selection's exports: the only part of the panel a brush changes. */
function ExportSelected({ result }: { result: ExplorerResult }) {
  const selection = useExplorer((state) => state.selectionMask);
  return <SelectionExports table={result.table} selection={selection} fileName={`aurora-${result.time.slice(0, 13)}-selected`} />;
}
