import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { ServerCredentials } from '../data/address.ts';
import { setDefaultRequestTimeout } from '../data/request.ts';
import { describeError } from '../describe-error.ts';
import { isCancelled } from '../errors.ts';
import type { ExplorerPreview } from '../state/result.ts';
import { decodeSelection } from '../state/selection-codec.ts';
import { useExplorer } from '../state/store.ts';
import type { StudyTime } from '../studies/study-time.ts';
import { createSourceClient } from '../workers/encoder-client.ts';
import { createProbesClient } from '../workers/probes-client.ts';
import { ExplorerViews } from './ExplorerViews.tsx';
import { compareInApp } from './compare/compare-in-app.ts';
import type { CompareTools } from './compare/CompareSection.tsx';
import { resultFromFeatures } from './compare/feature-views.ts';
import { initialStages, runExplorer } from './explorer-run.ts';
import { viewsDrawn } from './use-run-drawn.ts';
import type { NeighbourSearch } from './Inspector.tsx';
import { findAnaloguesInApp, type FindAnalogues } from './analogues/analogues-in-app.ts';
import { LatentCache } from './latent-cache.ts';
import { listModels, type ModelEntry } from './models.ts';
import { EncoderReadiness } from './EncoderReadiness.tsx';
import { Notices } from './Notices.tsx';
import { Progress } from './Progress.tsx';
import { PreviewPanel } from './PreviewPanel.tsx';
import { ResultsPanel } from './ResultsPanel.tsx';
import { SetupPanel } from './SetupPanel.tsx';
import { settingsOfFields, type SourceFields } from './store-draft.ts';
import { summariseSource, type SourceSummary } from './store-summary.ts';
import { permalink, startUrlSync } from './url-sync.ts';
import { compareExtremesInApp } from './extremes/extremes-compare.ts';
import type { ExtremesCompare } from './extremes/ExtremesCompareSection.tsx';
import { runExtremesInApp, studyTimeCache } from './extremes/extremes-run.ts';
import { useExtremes, usePercentileFiles } from './extremes/extremes-store.ts';
import { ExtremesMain, ExtremesSide } from './extremes/ExtremesPanels.tsx';
import { DEFAULT_VIEW_SETTINGS, latentStoreLocation, sourceSettingsOf, storeLocation, type SourceSettings, type ViewSettings } from '../state/view-settings.ts';
import { offSiteLocations, offSiteQuestion } from '../state/link-origins.ts';
import { LinkQuestion, type PendingQuestion } from './LinkQuestion.tsx';
import { ShownBanner } from './ShownBanner.tsx';
import { cancelledEnd, failedEnd, markCancel, type CancelMark } from './run-end.ts';
import { modelHashQuestion } from './link-checks.ts';
import { compareKIndexInApp } from './kindex/kindex-compare.ts';
import { runKIndexInApp } from './kindex/kindex-run.ts';
import { useKIndex } from './kindex/kindex-store.ts';
import { KIndexMain, KIndexSide, type KIndexCompare } from './kindex/KIndexPanels.tsx';
import { cellScatters, similarityInApp } from './similarity/similarity-in-app.ts';
import { SimilarityPanel, type SimilarityTools } from './similarity/SimilarityPanel.tsx';
import { useSimilarity } from './similarity/similarity-store.ts';
import { SweepPanel } from './sweep/SweepPanel.tsx';
import { useSweepRunner } from './sweep/use-sweep-runner.ts';
import { requestTimeoutMs } from './study-times.ts';
import { RunSetupError } from './run-setup-error.ts';
import './app.css';

type StoreStatus = 'asked' | 'loading' | 'ready' | 'failed';

/** The time to show after opening a store: the one asked for if the store has it, else the latest. */
function keepOrLatest(time: string | null, times: string[]): string | null {
  if (time && times.includes(time)) return time;
  return times[times.length - 1] ?? null;
}

/** The model a latent store names in its attributes, when the source is one that does. */
function storeModelOf(summary: SourceSummary | null): string | null {
  return summary?.latents?.attributes.find((attribute) => attribute.name === 'Model')?.value ?? null;
}

/**
 * The selection for a run's `count` points: a permalink's selection applies to the run it describes; a new run
 * keeps it only for the same points. Drops an inspected patch that is not one of them.
 */
function selectionFor(count: number): Uint8Array {
  const state = useExplorer.getState();
  let selection: Uint8Array = new Uint8Array(count);
  try {
    selection = decodeSelection(state.settings.selection, count);
  } catch (error) {
    state.notify('warning', 'Selection ignored', describeError(error), { topic: 'link' });
    state.updateSettings({ selection: '' });
  }
  if (state.settings.selectedPatch !== null && state.settings.selectedPatch >= count) state.updateSettings({ selectedPatch: null });
  return selection;
}

/** The longest a run waits for its PCA preview to be drawn before it fits its probe anyway. */
const PREVIEW_DRAW_CAP_MS = 20_000;

/** The title of the notice a failed Open leaves; one that succeeds later dismisses them. */
const OPEN_FAILED = 'Could not open the store';

export function App() {
  const [summary, setSummary] = useState<SourceSummary | null>(null);
  const [storeStatus, setStoreStatus] = useState<StoreStatus>('loading');
  const [models, setModels] = useState<ModelEntry[]>([]);
  const notify = useExplorer((state) => state.notify);
  const updateSettings = useExplorer((state) => state.updateSettings);
  const modelId = useExplorer((state) => state.settings.modelId);
  const result = useExplorer((state) => state.result);
  const preview = useExplorer((state) => state.preview);
  const study = useExplorer((state) => state.settings.study);
  const [mainTab, setMainTab] = useState<'views' | 'sweep' | 'similarity'>('views');
  /** The tab on screen, for a run in flight: its preview waits to be drawn only where the views show. */
  const shownTab = useRef(mainTab);
  useEffect(() => {
    shownTab.current = mainTab;
  }, [mainTab]);
  const latents = useExplorer((state) => state.settings.latents);
  const runStatus = useExplorer((state) => state.runStatus);
  const openRequest = useRef(0);
  const running = useRef<AbortController | null>(null);
  /** When Cancel was pressed for the run in flight, to tell how fast its work stopped. */
  const cancelMark = useRef<CancelMark | null>(null);
  /** The store being opened, which Cancel stops too. */
  const opening = useRef<AbortController | null>(null);
  /** Questions about the link that opened the app, asked in turn; nothing is fetched or run for it until they are answered. */
  const [questions, setQuestions] = useState<PendingQuestion[]>([]);
  const question = questions[0] ?? null;
  const ask = useCallback((asked: PendingQuestion) => {
    const answered: PendingQuestion = {
      ...asked,
      answer: (yes) => {
        setQuestions((waiting) => waiting.filter((entry) => entry !== answered));
        asked.answer(yes);
      },
    };
    setQuestions((waiting) => [...waiting, answered]);
  }, []);
  const workers = useMemo(() => ({ source: createSourceClient(), probes: createProbesClient(), cache: new LatentCache<StudyTime>() }), []);
  const findNeighbours = useCallback<NeighbourSearch>((key, row, k) => workers.probes.neighbours(key, row, k), [workers]);
  const findAnalogues = useCallback<FindAnalogues>(
    (shown, search, signal) =>
      findAnaloguesInApp(shown, search, { ...workers, settings: useExplorer.getState().shown['land-sea'] ?? useExplorer.getState().settings, models, storeTimes: summary?.times ?? [], signal }),
    [workers, models, summary],
  );
  const compareTools = useMemo<CompareTools>(
    () => ({
      compare: (shown, baselines, context) =>
        compareInApp(shown, useExplorer.getState().settings, baselines, { ...workers, models, storeTimes: summary?.times ?? [], storeModel: storeModelOf(summary), ...context }),
      showFeatures: (modelResult, shown, features) => resultFromFeatures(modelResult, shown, features, useExplorer.getState().settings, workers.probes),
    }),
    [workers, models, summary],
  );
  const compareExtremes = useCallback<ExtremesCompare>(
    (run, baselines, context) => compareExtremesInApp(run, useExplorer.getState().settings, baselines, { ...context, source: workers.source, probes: workers.probes, cache: studyTimeCache }),
    [workers],
  );

  const compareKIndex = useCallback<KIndexCompare>(
    (run, baselines, context) => compareKIndexInApp(run, useExplorer.getState().settings, baselines, { ...context, source: workers.source, probes: workers.probes, cache: workers.cache }),
    [workers],
  );

  const similarityTools = useMemo<SimilarityTools>(
    () => ({
      models,
      compute: (shown, onStatus, signal, against) =>
        // The settings the result was run with: the source its other times are read from.
        similarityInApp(shown, useExplorer.getState().shown['land-sea'] ?? useExplorer.getState().settings, { ...workers, models, storeModel: storeModelOf(summary), storeTimes: summary?.times ?? [], onStatus, signal }, against),
      cell: (cell, signal) => {
        const { similarity } = useSimilarity.getState();
        if (!similarity) return Promise.reject(new RunSetupError('Compute the matrix first.'));
        return cellScatters(similarity, cell, workers.probes, signal);
      },
    }),
    [workers, models, summary],
  );

  /** Runs the study on the current settings; the previous result stays on screen until the new one is ready. */
  const run = useCallback(async () => {
    const state = useExplorer.getState();
    // A latent store needs no model: its latents are read.
    const fromStore = state.settings.latents !== null;
    const model = fromStore ? null : models.find((entry) => entry.id === state.settings.modelId);
    if (model === undefined) {
      state.notify('error', 'No model', `The model ${state.settings.modelId ?? '(none)'} is not in models/; pick one from the list.`, { topic: 'link' });
      return;
    }
    if (model?.unusable) {
      state.notify('error', 'Model unusable', `${model.id} cannot run: ${model.unusable}. Pick another model from the list.`);
      return;
    }
    running.current?.abort();
    const controller = new AbortController();
    running.current = controller;
    cancelMark.current = null;
    // What the views will show if this run finishes: its set-up, with the weights' hash it ran.
    const runSettings: ViewSettings = { ...state.settings, modelHash: model?.hash ?? state.settings.modelHash };
    state.setRunEnd(null);
    state.setRunStatus('running', runSettings);
    state.setStages(initialStages(fromStore ? 'latent-store' : 'encoder'));
    /** What the views showed before this run's preview replaced it: they show it again if the run does not finish. */
    const before: { shown: { preview: ExplorerPreview; shown: ViewSettings | undefined; selection: Uint8Array } | null } = { shown: null };
    try {
      if (state.settings.study === 'extremes') {
        const studied = await runExtremesInApp(state.settings, model, {
          source: workers.source,
          probes: workers.probes,
          storeTimes: summary?.times ?? [],
          storeModel: storeModelOf(summary),
          files: usePercentileFiles.getState().files,
          signal: controller.signal,
          onStage: (name, patch) => useExplorer.getState().updateStage(name, patch),
        });
        useExtremes.getState().setRun(studied);
        useExplorer.getState().setShown(runSettings);
        useExplorer.getState().showResult();
        useExplorer.getState().setRunStatus('done');
        if (studied.fallbackReason) useExplorer.getState().notify('warning', 'Running on WASM', studied.fallbackReason);
        return;
      }
      if (state.settings.study === 'k-index') {
        const studied = await runKIndexInApp(state.settings, model, {
          source: workers.source,
          probes: workers.probes,
          cache: workers.cache,
          storeTimes: summary?.times ?? [],
          storeModel: storeModelOf(summary),
          signal: controller.signal,
          onStage: (name, patch) => useExplorer.getState().updateStage(name, patch),
        });
        useKIndex.getState().setRun(studied);
        useExplorer.getState().showResult();
        useExplorer.getState().setRunStatus('done');
        if (studied.fallbackReason) useExplorer.getState().notify('warning', 'Running on WASM', studied.fallbackReason);
        return;
      }
      const next = await runExplorer(state.settings, model, {
        ...workers,
        signal: controller.signal,
        onStage: (name, patch) => useExplorer.getState().updateStage(name, patch),
        onPreview: (preview) => {
          const latest = useExplorer.getState();
          before.shown = { preview, shown: latest.shown[runSettings.study], selection: latest.selectionMask };
          latest.setSelectionMask(selectionFor(preview.table.count));
          latest.setPreview(preview);
          latest.setShown(runSettings);
          // PCA's result is on screen: its stage reads done, and the views draw the preview.
          latest.showResult();
          // The probe is fitted once they have (views not on screen never draw).
          const viewsShow = shownTab.current === 'views' && latest.settings.study === 'land-sea' && document.visibilityState === 'visible';
          return viewsShow ? viewsDrawn(controller.signal, PREVIEW_DRAW_CAP_MS) : undefined;
        },
      });
      const latest = useExplorer.getState();
      // The preview set the selection for these points; a run that showed none sets it now.
      if (!before.shown) latest.setSelectionMask(selectionFor(next.table.count));
      before.shown = null;
      const previous = latest.result;
      latest.setResult(next);
      latest.setPreview(null);
      latest.setShown(runSettings);
      latest.showResult();
      latest.setRunStatus('done');
      // The worker keeps one feature matrix per run; the one the screen no longer shows can go.
      if (previous && previous.featuresKey !== next.featuresKey) void workers.probes.releaseFeatures(previous.featuresKey);
      if (next.fallbackReason) latest.notify('warning', 'Running on WASM', next.fallbackReason);
    } catch (error) {
      const latest = useExplorer.getState();
      if (isCancelled(error)) {
        const end = await cancelledEnd(latest.stages, cancelMark.current, [workers.source, workers.probes]);
        // A newer run replaced this one: it tells its own story.
        if (running.current !== controller && running.current !== null) return;
        // The views go back to the run before; the cancelled run's study time, which the latent cache holds in
        // memory as its latest, is shown by nothing (about 35 MB at 1 degree): IndexedDB keeps it for a rerun.
        workers.cache.forgetMemory();
        const now = useExplorer.getState();
        now.setRunEnd(end);
        now.setRunStatus('cancelled');
        now.setStages(now.stages.map((stage) => (stage.status === 'running' || stage.status === 'waiting' ? { ...stage, status: 'cancelled' } : stage)));
      } else {
        latest.setRunEnd(failedEnd(latest.stages, describeError(error)));
        latest.setRunStatus('failed');
        latest.setStages(latest.stages.map((stage) => (stage.status === 'running' ? { ...stage, status: 'failed' } : stage)));
        latest.notify('error', 'The run failed', describeError(error));
      }
    } finally {
      if (running.current === controller) running.current = null;
      // A run that ended after its preview (cancelled, failed or replaced by a newer run) gives the views back
      // what they showed before, unless a newer run's preview replaced it (runExplorer released its features).
      const shownBefore = before.shown;
      const now = useExplorer.getState();
      if (shownBefore && now.preview === shownBefore.preview) {
        now.setPreview(null);
        now.restoreShown(runSettings.study, shownBefore.shown);
        now.setSelectionMask(shownBefore.selection);
      }
    }
  }, [models, workers, summary]);

  /**
   * Opens a source, from the set-up panel's fields or from settings (a link); only one that opened
   * replaces the current one, so a bad URL loses nothing. Credentials the fields give (a token, or
   * user:password@ in an address) join those the tab holds, in memory only, never in the settings.
   */
  const openSource = useCallback(
    async (from: { fields: SourceFields } | { settings: SourceSettings }, initial: boolean) => {
      const request = ++openRequest.current;
      const held = useExplorer.getState().credentials;
      let draft: SourceSettings;
      let credentials: ServerCredentials = held;
      try {
        if ('fields' in from) {
          const given = settingsOfFields(from.fields, globalThis.location.href);
          draft = given.settings;
          credentials = [...given.credentials, ...held.filter((entry) => !given.credentials.some((other) => other.origin === entry.origin))];
        } else draft = from.settings;
      } catch (error) {
        notify('error', OPEN_FAILED, describeError(error));
        return;
      }
      const checks = [
        ...[draft.store, draft.atmosStore, draft.staticStore].map((candidate) => (candidate === null ? null : storeLocation.safeParse(candidate))),
        draft.latents === null ? null : latentStoreLocation.safeParse(draft.latents),
      ];
      const failed = checks.find((checked) => checked && !checked.success);
      if (failed && !failed.success) {
        notify('error', OPEN_FAILED, `${failed.error.issues[0]?.message}.`);
        return;
      }
      setStoreStatus('loading');
      opening.current?.abort();
      const controller = new AbortController();
      opening.current = controller;
      try {
        // The page's own requests (the store's metadata) wait as long as the setting says, as the worker's do.
        setDefaultRequestTimeout(requestTimeoutMs(useExplorer.getState().settings));
        const opened = await summariseSource(draft, credentials, controller.signal);
        if (request !== openRequest.current) return;
        setSummary(opened);
        setStoreStatus('ready');
        const { settings, setCredentials, notices, dismissNotice } = useExplorer.getState();
        setCredentials(credentials);
        // A source now open answers the earlier failures to open one (a link's store before its token was typed).
        for (const notice of notices) if (notice.title === OPEN_FAILED) dismissNotice(notice.id);
        updateSettings({ ...draft, time: keepOrLatest(settings.time, opened.times) });
        const where = draft.latents ?? draft.store;
        // A time of the other kind of source is no time of this one: no notice when switching.
        const sameKind = (settings.latents === null) === (draft.latents === null);
        if (sameKind && settings.time && !opened.times.includes(settings.time)) {
          notify('warning', 'Time not in the store', `${settings.time} is not available in ${where}; showing ${keepOrLatest(null, opened.times)} instead.`);
        }
        if (opened.latents && opened.latents.timeNotices.length > 0) {
          notify('warning', 'Irregular time axis', `The latent store's times are shown as they are, but ${opened.latents.timeNotices.join('; ')}. Check that each time labels the ERA5 pair it encodes.`);
        }
      } catch (error) {
        if (request !== openRequest.current) return;
        // The previous store stays in use when there is one.
        setStoreStatus(initial || summary === null ? 'failed' : 'ready');
        if (isCancelled(error)) notify('info', 'Opening cancelled', `Stopped opening ${draft.latents ?? draft.store}.`);
        else notify('error', OPEN_FAILED, describeError(error));
      } finally {
        if (opening.current === controller) opening.current = null;
      }
    },
    [notify, updateSettings, summary],
  );

  // A permalink that names a time, or study 2 (its times are in the link or the default), reproduces
  // its view: run as soon as the store and models are ready.
  // Decided once the link is parsed: a link whose time was invalid is not run.
  const runOnOpen = useRef(false);
  // A link with a sweep opens the Sweep panel and reruns the sweep (its cached cells at once) instead.
  const sweepOnOpen = useRef(false);
  const sweepRunner = useSweepRunner(workers, models, summary?.times ?? []);
  useEffect(() => {
    if (storeStatus !== 'ready' || models.length === 0 || question !== null) return;
    if (sweepOnOpen.current) {
      sweepOnOpen.current = false;
      runOnOpen.current = false;
      void sweepRunner.run();
      return;
    }
    if (!runOnOpen.current) return;
    runOnOpen.current = false;
    const { settings } = useExplorer.getState();
    if (settings.time || settings.study === 'extremes' || (settings.study === 'k-index' && settings.kIndexTimes)) void run();
  }, [storeStatus, models, run, sweepRunner, question]);

  /** Opens a sweep's cell (a time of the store, a latent level) in the explorer views, with the same settings. */
  const openSweepCell = useCallback(
    (time: string, level: number) => {
      const storeTime = summary?.times.find((entry) => new Date(entry).getTime() === new Date(`${time}Z`).getTime());
      if (!storeTime) return;
      if (level !== 0 && level !== 1 && level !== 2 && level !== 3) return;
      // Studies 2 and 3 open the cell's time alone (their runs study every time of their lists).
      const study = useExplorer.getState().settings.study;
      const times = study === 'extremes' ? { extremesTimes: [storeTime] } : study === 'k-index' ? { kIndexTimes: [storeTime] } : {};
      useExplorer.getState().updateSettings({ time: storeTime, level, selection: '', selectedPatch: null, ...times });
      setMainTab('views');
      void run();
    },
    [summary, run],
  );

  /**
   * Opens an analogue match at another time: that time at the shown run's level (from the latent cache
   * when the search read it), the inspector on the patch; the search carries over (AnaloguesSection).
   */
  const openAnalogueMatch = useCallback(
    (time: string, patch: number) => {
      const shownLevel = useExplorer.getState().shown['land-sea']?.level;
      useExplorer.getState().updateSettings({ time, selectedPatch: patch, ...(shownLevel === undefined ? {} : { level: shownLevel }) });
      void run();
    },
    [run],
  );

  useEffect(() => {
    const stopSync = startUrlSync();
    const { settings } = useExplorer.getState();
    runOnOpen.current = settings.time !== null || settings.study === 'extremes' || (settings.study === 'k-index' && settings.kIndexTimes !== null);
    sweepOnOpen.current = settings.sweep !== null;
    if (settings.sweep) setMainTab('sweep');
    // A link that names a store on another site asks first, naming the host; declined, the sample opens.
    const offSite = offSiteLocations(settings, window.location.href);
    if (offSite.length === 0) void openSource({ settings: sourceSettingsOf(settings) }, true);
    else {
      setStoreStatus('asked');
      ask({
        title: 'Fetch from another site?',
        text: offSiteQuestion(offSite),
        yes: `Fetch from ${[...new Set(offSite.map((location) => location.host))].join(', ')}`,
        no: 'Use the sample store instead',
        answer: (yes) => {
          if (yes) return void openSource({ settings: sourceSettingsOf(useExplorer.getState().settings) }, true);
          const onSite = { store: DEFAULT_VIEW_SETTINGS.store, atmosStore: null, staticStore: null, latents: null, latentsEra5: false, percentileSource: null };
          useExplorer.getState().updateSettings(onSite);
          notify('info', 'Opened the sample store', `Nothing was fetched from ${offSite.map((location) => location.host).join(', ')}.`);
          void openSource({ settings: sourceSettingsOf(useExplorer.getState().settings) }, true);
        },
      });
    }
    listModels()
      .then((listed) => {
        setModels(listed);
        for (const model of listed) if (model.unusable) notify('warning', `Model ${model.id} is unusable`, model.unusable);
        // The link pins the model's weights by their hash: another file under the same name asks before it runs.
        const hashCheck = modelHashQuestion(useExplorer.getState().settings, listed);
        if (hashCheck.kind === 'adopt') useExplorer.getState().updateSettings({ modelHash: hashCheck.hash });
        if (hashCheck.kind === 'mismatch') {
          notify('warning', 'The model differs from the link', hashCheck.text);
          ask({
            title: 'Run another model than the link?',
            text: hashCheck.text,
            yes: 'Run with this model',
            no: "Don't run",
            answer: (yes) => {
              if (yes) useExplorer.getState().updateSettings({ modelHash: hashCheck.hash });
              else {
                runOnOpen.current = false;
                sweepOnOpen.current = false;
              }
            },
          });
        }
      })
      .catch((error: unknown) => notify('error', 'Could not list the models', describeError(error)));
    return stopSync;
    // Runs once: later opens come from the set-up panel.
  }, []);

  const model = models.find((entry) => entry.id === modelId);

  return (
    <div className="app">
      <header className="app-header">
        <h1>Aurora Latent Explorer</h1>
        {model && model.trained === false && latents === null && (
          <span className="badge untrained" title={model.description}>
            untrained encoder
          </span>
        )}
        {result && (
          <span className="badge backend" title={`Probes: tfjs ${result.probeBackend}`}>
            {result.modelId === null ? 'latents: read from a store' : `encoder: ${result.encoderBackend}`}
          </span>
        )}
        <span className="spacer" />
        <button
          type="button"
          aria-label="Copy link"
          onClick={() => {
            const link = permalink();
            navigator.clipboard
              .writeText(link)
              // The link itself is in the address bar and on the clipboard: the notice only confirms, and goes.
              .then(() => notify('info', 'Link copied', 'The link to this view is on the clipboard.', { transient: true }))
              .catch(() => notify('info', 'Copy this link', link));
          }}
        >
          Copy link
        </button>
      </header>
      {question && <LinkQuestion question={question} />}
      <div className="app-body">
        <SetupPanel
          summary={summary}
          storeStatus={storeStatus}
          models={models}
          onOpenSource={(fields) => void openSource({ fields }, false)}
          onForgetCredentials={() => useExplorer.getState().setCredentials([])}
          onRun={() => void run()}
          onCancel={() => {
            if (running.current) cancelMark.current = markCancel(useExplorer.getState().stages);
            running.current?.abort();
            opening.current?.abort();
            // A model chosen just before Run is still loading for the encoder's readiness: Cancel stops that too.
            workers.source.stopPreparing();
          }}
        />
        <main className="main-views">
          <div className="main-tabs" role="tablist" aria-label="Main views">
            <button type="button" role="tab" aria-selected={mainTab === 'views'} onClick={() => setMainTab('views')}>
              Explorer
            </button>
            <button type="button" role="tab" aria-selected={mainTab === 'sweep'} onClick={() => setMainTab('sweep')}>
              Sweep
            </button>
            <button type="button" role="tab" aria-selected={mainTab === 'similarity'} onClick={() => setMainTab('similarity')}>
              Similarity
            </button>
          </div>
          {mainTab === 'similarity' ? (
            <div className="views-area">
              <Notices />
              <SimilarityPanel result={study === 'land-sea' ? result : null} tools={similarityTools} />
            </div>
          ) : mainTab === 'sweep' ? (
            <div className="views-area">
              <Notices />
              <SweepPanel onRun={() => void sweepRunner.run()} onCancel={sweepRunner.cancel} onOpen={openSweepCell} />
            </div>
          ) : (
            <div className="main-views">
              {/* One grid row for the encoder's readiness and the run's progress. */}
              <div className="run-status">
                {latents === null && <EncoderReadiness encoder={workers.source} model={model} gridWidth={summary?.era5?.width ?? null} />}
                <Progress />
                <ShownBanner />
              </div>
              <div className="views-area">
                <Notices />
                {study === 'extremes' ? (
                  <ExtremesMain />
                ) : study === 'k-index' ? (
                  <KIndexMain />
                ) : preview ? (
                  <ExplorerViews result={preview} />
                ) : result ? (
                  <ExplorerViews result={result} />
                ) : (
                  <div className="empty-state">
                    {runStatus === 'running'
                      ? 'The views appear here when the run is done.'
                      : latents === null
                        ? 'Pick a date and press Run to encode it and probe the latent space.'
                        : "Pick a date and press Run to read the store's latents and probe them."}
                  </div>
                )}
              </div>
            </div>
          )}
        </main>
        {study === 'extremes' ? <ExtremesSide compare={compareExtremes} /> : study === 'k-index' ? <KIndexSide compare={compareKIndex} /> : preview ? <PreviewPanel preview={preview} /> : result ? <ResultsPanel result={result} findNeighbours={findNeighbours} findAnalogues={findAnalogues} openAnalogueMatch={openAnalogueMatch} compareTools={compareTools} /> : <aside className="side-panel" aria-label="Results" />}
      </div>
    </div>
  );
}
