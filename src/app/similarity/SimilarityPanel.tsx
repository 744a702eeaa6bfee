// The Similarity view: the run's model against its untrained control (or its levels against each
// other, or its level at several times each against each), as a CKA heat map with each row's shuffled
// noise floor. A cell opens the PCA scatters of its row and its column side by side; their selection,
// inspected and hovered patch are the explorer's, so that brushing one selects in the other (and on the globe).
import { useCallback, useMemo, useRef, useState } from 'react';
import { describeError } from '../../describe-error.ts';
import { isCancelled } from '../../errors.ts';
import type { ExplorerResult } from '../../state/result.ts';
import { useExplorer } from '../../state/store.ts';
import { levelName } from '../../studies/similarity.ts';
import { CkaHeatmap, combineSelection, computeColours, describePatch, ScatterView, type ScatterCamera, type SelectMode } from '../../views/index.ts';
import type { ModelEntry } from '../models.ts';
import { MAX_SIMILARITY_TIMES, type AppSimilarity, type CellScatters, type SimilarityPair } from './similarity-in-app.ts';
import { useSimilarity } from './similarity-store.ts';
import './similarity.css';

export interface SimilarityTools {
  /** The models of models/ (a run's is left out of the choice of another). */
  models: readonly ModelEntry[];
  compute(result: ExplorerResult, onStatus: (text: string) => void, signal: AbortSignal, against: SimilarityPair): Promise<AppSimilarity>;
  cell(cell: readonly [number, number], signal: AbortSignal): Promise<CellScatters>;
}

export function SimilarityPanel({ result, tools }: { result: ExplorerResult | null; tools: SimilarityTools }) {
  const { status, progress, similarity, cell, scatters, error, set } = useSimilarity();
  const running = useRef<AbortController | null>(null);
  const timesField = useRef<HTMLInputElement>(null);
  const [otherModel, setOtherModel] = useState<string>('');

  const compute = useCallback(async (against: SimilarityPair) => {
    if (!result) return;
    running.current?.abort();
    const controller = new AbortController();
    running.current = controller;
    set({ status: 'running', progress: 'Starting…', error: null, cell: null, scatters: null });
    try {
      const computed = await tools.compute(result, (text) => set({ progress: text }), controller.signal, against);
      set({ status: 'done', progress: '', similarity: computed });
    } catch (caught) {
      set(isCancelled(caught) ? { status: 'idle', progress: 'Cancelled.' } : { status: 'failed', progress: '', error: describeError(caught) });
    } finally {
      if (running.current === controller) running.current = null;
    }
  }, [result, tools, set]);

  const openCell = useCallback(
    async (row: number, column: number) => {
      running.current?.abort();
      const controller = new AbortController();
      running.current = controller;
      set({ cell: [row, column], scatters: null, progress: 'PCA of both sides…', error: null });
      try {
        set({ scatters: await tools.cell([row, column], controller.signal), progress: '' });
      } catch (caught) {
        if (!isCancelled(caught)) set({ progress: '', error: describeError(caught) });
      } finally {
        if (running.current === controller) running.current = null;
      }
    },
    [tools, set],
  );

  if (!result) {
    return (
      <section className="similarity-panel" aria-label="Similarity">
        <p className="empty-state">Run the land-sea study in the Explorer first: the Similarity view compares the latents of its model and time with its untrained control’s.</p>
      </section>
    );
  }
  const stale = similarity !== null && similarity.resultKey !== result.key;
  const shown = stale ? null : similarity;
  return (
    <section className="similarity-panel" aria-label="Similarity">
      <div className="similarity-bar">
        <button type="button" className="primary" disabled={status === 'running'} onClick={() => void compute({ kind: 'control' })}>
          Compare with the untrained control
        </button>
        <button type="button" disabled={status === 'running'} onClick={() => void compute({ kind: 'levels' })}>
          Compare its levels with each other
        </button>
        <OtherModelPicker result={result} models={tools.models} picked={otherModel} onPick={setOtherModel} disabled={status === 'running'} onCompare={(modelId) => void compute({ kind: 'model', modelId })} />
        <span className="similarity-group">
          <input
            ref={timesField}
            key={result.key}
            aria-label="Times to compare"
            defaultValue={runDay(result.time)}
            title={`The store's times to compare with the run's (at most ${MAX_SIMILARITY_TIMES} in all): a list of ISO times, every:K, FROM..TO or every:K:FROM..TO. Each is encoded (or read) once and kept in the cache.`}
            onKeyDown={(event) => {
              if (event.key === 'Enter' && status !== 'running') void compute({ kind: 'times', times: event.currentTarget.value });
            }}
          />
          <button type="button" disabled={status === 'running'} onClick={() => void compute({ kind: 'times', times: timesField.current?.value ?? runDay(result.time) })}>
            Compare its {levelName(result.level)} across these times
          </button>
        </span>
        {status === 'running' && (
          <button type="button" onClick={() => running.current?.abort()}>
            Cancel
          </button>
        )}
        <span className="similarity-status" role="status" aria-live="polite">
          {progress || (stale ? `The matrix below is of an earlier run (${similarity?.time.slice(0, 16)}); compute it again for this one.` : '')}
        </span>
      </div>
      {error && (
        <p className="similarity-error" role="alert">
          {error}
        </p>
      )}
      {shown ? (
        <>
          <CkaHeatmap
            title={shown.against === 'times' ? shown.title : `${shown.title}, ${shown.time.slice(0, 16).replace('T', ' ')}`}
            rowTitle={shown.rowTitle}
            columnTitle={shown.columnTitle}
            rowLabels={shown.matrix.rowLabels}
            columnLabels={shown.matrix.columnLabels}
            values={shown.matrix.values}
            floor={shown.matrix.floor}
            rows={shown.matrix.patches}
            selected={cell}
            onSelectCell={(row, column) => void openCell(row, column)}
          />
          {shown.notes.map((note) => (
            <p key={note} className="similarity-note">
              {note}
            </p>
          ))}
          {scatters ? <PairScatters result={result} scatters={scatters} /> : cell === null && <p className="similarity-note">Click a cell to see the PCA scatters of its row and its column side by side, with linked selection.</p>}
        </>
      ) : (
        status !== 'running' && (
          <p className="similarity-note">
            Linear CKA of every latent level of {result.modelId ?? 'the latent store'} at {result.time.slice(0, 16)} against every level of its untrained control (Aurora’s architecture, another seed), on the
            same {result.table.count.toLocaleString('en')} patches. The untrained control is encoded in the browser. Or against another model of models/, encoded the same way
            {result.modelId === null ? ' from the ERA5 beside the latent store' : ''}. Or its levels each against each, at no encoding cost. Or its{' '}
            {levelName(result.level)} at the run’s time against the same level at the store’s other times, each against each (each time encoded or read once, then cached).
          </p>
        )
      )}
    </section>
  );
}

/**
 * Another model of models/ to compare the run with, encoding the same time on the same patches: over a
 * latent store's run, any model (a latent store against an encoding); over an encoding, any but its own.
 */
function OtherModelPicker(props: { result: ExplorerResult; models: readonly ModelEntry[]; picked: string; onPick(id: string): void; disabled: boolean; onCompare(modelId: string): void }) {
  const { result, models, picked, onPick, disabled, onCompare } = props;
  const choices = models.filter((model) => model.unusable === null && model.id !== result.modelId);
  const chosen = choices.find((model) => model.id === picked) ?? choices[0];
  const what = result.modelId === null ? 'the latent store' : result.modelId.replace(/\.onnx$/, '');
  return (
    <span className="similarity-group">
      <select aria-label="Another model to compare with" value={chosen?.id ?? ''} disabled={disabled || !chosen} onChange={(event) => onPick(event.currentTarget.value)}>
        {chosen ? (
          choices.map((model) => (
            <option key={model.id} value={model.id}>
              {model.label}
            </option>
          ))
        ) : (
          <option value="">no other model in models/</option>
        )}
      </select>
      <button
        type="button"
        disabled={disabled || !chosen}
        title={`Encodes the run's time with the model picked, on the same patches, and compares every level of ${what} with every level of it.`}
        onClick={() => chosen && onCompare(chosen.id)}
      >
        Compare with this model
      </button>
    </span>
  );
}

/** The store's times of the run's day, as a time selection: the times field's first value. */
function runDay(time: string): string {
  const day = time.slice(0, 10);
  return `${day}..${day}T23:59`;
}

/** The first two PCs of a level, as the scatter's positions. */
function pcPositions(scores: Float32Array | Float64Array, componentCount: number, count: number): Float32Array {
  const xy = new Float32Array(count * 2);
  for (let i = 0; i < count; i++) {
    xy[2 * i] = scores[i * componentCount];
    xy[2 * i + 1] = componentCount > 1 ? scores[i * componentCount + 1] : 0;
  }
  return xy;
}

function PairScatters({ result, scatters }: { result: ExplorerResult; scatters: CellScatters }) {
  const selection = useExplorer((state) => state.selectionMask);
  const selectedPatch = useExplorer((state) => state.settings.selectedPatch);
  const hoveredPatch = useExplorer((state) => state.hoveredPatch);
  const setSelectionMask = useExplorer((state) => state.setSelectionMask);
  const setHoveredPatch = useExplorer((state) => state.setHoveredPatch);
  const updateSettings = useExplorer((state) => state.updateSettings);
  const [cameras, setCameras] = useState<{ a: ScatterCamera | null; b: ScatterCamera | null }>({ a: null, b: null });
  const count = result.table.count;
  const { colours, legend } = useMemo(() => computeColours({ mode: 'label', table: result.table }), [result]);
  const positions = useMemo(
    () => ({ a: pcPositions(scatters.a.pca.scores, scatters.a.pca.componentCount, count), b: pcPositions(scatters.b.pca.scores, scatters.b.pca.componentCount, count) }),
    [scatters, count],
  );
  const onSelect = (brushed: Uint8Array, mode: SelectMode) => setSelectionMask(combineSelection(useExplorer.getState().selectionMask, brushed, mode));
  const onPickPatch = (index: number | null) => updateSettings({ selectedPatch: index });
  const describe = (index: number) => describePatch(result.table, index);
  const side = (which: 'a' | 'b') => {
    const { title, axisTitle, pca } = scatters[which];
    const share = (k: number) => `${((pca.explainedVarianceRatio[k] ?? 0) * 100).toFixed(1)} %`;
    return (
      <section className="view-frame" aria-label={`Scatter of ${title}`} key={which}>
        <ScatterView
          xy={positions[which]}
          xTitle={`${axisTitle}: PC1 (${share(0)})`}
          yTitle={`PC2 (${share(1)})`}
          colours={colours}
          selection={selection}
          selectedPatch={selectedPatch}
          hoveredPatch={hoveredPatch}
          camera={cameras[which]}
          onCameraChange={(camera) => setCameras((previous) => ({ ...previous, [which]: camera }))}
          onPickPatch={onPickPatch}
          onSelect={onSelect}
          onHoverPatch={setHoveredPatch}
          describe={describe}
          legend={legend}
          fileName={`aurora-${result.time.slice(0, 13)}-similarity-${which}`}
        />
      </section>
    );
  };
  return <div className="views-grid similarity-scatters">{[side('a'), side('b')]}</div>;
}
