// The one zustand store. `settings` is what a permalink carries; everything else is derived or transient.
// Views subscribe to the slices they use (useExplorer(selector)), so a brush does not re-render the set-up panel.
import { create } from 'zustand';
import type { ServerCredentials } from '../data/address.ts';
import { addNotice, makeNotice, NOTICES_KEPT, type Notice, type NoticeKind, type NoticeOptions } from './notices.ts';
import type { ExplorerPreview, ExplorerResult } from './result.ts';
import { DEFAULT_VIEW_SETTINGS, viewSettingsSchema, type ViewSettings } from './view-settings.ts';

/**
 * A run's stages, in order, then the work that follows it on its own line: 'draw' is the views drawing the result,
 * 'baselines' a comparison run after the views appeared.
 */
export type StageName = 'fetch' | 'encode' | 'pca' | 'probe' | 'draw' | 'baselines';

export interface StageProgress {
  name: StageName;
  /** What the stage is called when its name says too little (e.g. fetch: reading a latent store). */
  title?: string;
  /**
   * 'ready': computed, but its result is not on screen yet (it turns 'done' when it is: a bar never reads
   * finished while the user still waits for what it made).
   */
  status: 'waiting' | 'running' | 'ready' | 'done' | 'cached' | 'cancelled' | 'failed';
  /** Work done and in all, in the stage's own unit (bytes, tiles, iterations). */
  done: number;
  total: number;
  unit: string;
  /** Bytes fetched so far, for a stage counted in chunks. */
  bytes?: number;
  /** Requests retried so far (a server that failed, then answered), in words: shown beside the stage's amount. */
  retried?: string;
  /** Wall-clock milliseconds of the stage, once it has ended. */
  milliseconds: number | null;
  /** performance.now() when a stage timed on this thread began (the views' drawing). */
  startedAt?: number;
  /** What it is doing now, in words (a comparison's status). */
  detail?: string;
}

export type RunStatus = 'idle' | 'running' | 'done' | 'failed' | 'cancelled';

/** How the latest run ended when it did not finish; the views keep the previous run and say so. */
export interface RunEnd {
  status: 'cancelled' | 'failed';
  /** The stage it was in, by its title (e.g. "PCA"); null before any began. */
  stage: string | null;
  /** From Cancel to the busy worker's job ending; null for a failure. */
  stopMilliseconds: number | null;
  /** Jobs either worker still ran afterwards (none, unless something else is at work). */
  busyJobs: string[];
  /** Why it failed, in a few words (the notice has the whole message). */
  reason: string | null;
}

export interface ExplorerState {
  settings: ViewSettings;
  notices: Notice[];
  runStatus: RunStatus;
  /** The set-up of the run in flight (null when none is): the banner says it is coming rather than "Run to see". */
  runSettings: ViewSettings | null;
  stages: StageProgress[];
  /** The study the stages are of: switching studies does not show the other one's progress. */
  stagesStudy: ViewSettings['study'] | null;
  /** Selection over the current result's points (1 = selected); empty when nothing is loaded. */
  selectionMask: Uint8Array;
  hoveredPatch: number | null;
  /** The latest finished run; kept while a new run goes, and when it fails. */
  result: ExplorerResult | null;
  /** The run in flight's PCA, on screen in place of `result` while its probe is fitted; null otherwise. */
  preview: ExplorerPreview | null;
  /** The set-up each study's views show (the settings their run was run with), by study. */
  shown: Partial<Record<ViewSettings['study'], ViewSettings>>;
  runEnd: RunEnd | null;
  /**
   * Credentials for the stores' servers (a token, or user:password@ taken out of an address typed): in
   * this tab's memory only, never in the settings, a link, a cache key, a notice or the console.
   */
  credentials: ServerCredentials;

  updateSettings(patch: Partial<ViewSettings>): void;
  replaceSettings(settings: ViewSettings): void;
  notify(kind: NoticeKind, title: string, text: string, options?: NoticeOptions): void;
  dismissNotice(id: number): void;
  /** Dismisses the notices of one title: a complaint about a field, once the field is corrected. */
  dismissNoticesTitled(title: string): void;
  dismissAllNotices(): void;
  /** A run's status; a run starting gives its set-up, which is kept until it ends. */
  setRunStatus(status: RunStatus, runSettings?: ViewSettings): void;
  setStages(stages: StageProgress[]): void;
  /** Changes a stage; a stage the run did not list (work after it) gets its own line at the end. */
  updateStage(name: StageName, patch: Partial<StageProgress>): void;
  /** The result is on screen in the panels: computed stages are done, and the views start drawing it. */
  showResult(): void;
  /** The views have drawn the result. */
  finishDrawing(): void;
  setSelectionMask(mask: Uint8Array): void;
  setHoveredPatch(patch: number | null): void;
  setResult(result: ExplorerResult): void;
  setPreview(preview: ExplorerPreview | null): void;
  /** A run of `settings.study` finished with these settings: its views show them. */
  setShown(settings: ViewSettings): void;
  /** What `study`'s views showed before a run that did not finish (undefined: nothing). */
  restoreShown(study: ViewSettings['study'], previous: ViewSettings | undefined): void;
  setRunEnd(end: RunEnd | null): void;
  setCredentials(credentials: ServerCredentials): void;
}

/** Deep equality of settings values (plain data: numbers, strings, arrays and objects of them). */
function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null || Array.isArray(a) !== Array.isArray(b)) return false;
  const aKeys = Object.keys(a);
  const bKeys = Object.keys(b);
  return aKeys.length === bKeys.length && aKeys.every((key) => sameValue((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key]));
}

/**
 * `next` with every field that equals the previous one's replaced by the previous object: the schema builds new
 * objects on each update, and views memoise on identity (a camera move must not rebuild the test band's outline).
 */
function shareUnchanged(previous: ViewSettings, next: ViewSettings): ViewSettings {
  const shared = { ...next } as Record<string, unknown>;
  for (const key of Object.keys(shared)) {
    const before = (previous as Record<string, unknown>)[key];
    if (sameValue(before, shared[key])) shared[key] = before;
  }
  return shared as ViewSettings;
}

export const useExplorer = create<ExplorerState>()((set) => ({
  settings: DEFAULT_VIEW_SETTINGS,
  notices: [],
  runStatus: 'idle',
  runSettings: null,
  stages: [],
  stagesStudy: null,
  selectionMask: new Uint8Array(0),
  hoveredPatch: null,
  result: null,
  preview: null,
  shown: {},
  runEnd: null,
  credentials: [],

  updateSettings: (patch) =>
    set((state) => {
      // The UI goes through the same schema as a permalink: an invalid value is refused with a notice.
      const checked = viewSettingsSchema.safeParse({ ...state.settings, ...patch });
      if (checked.success) return { settings: shareUnchanged(state.settings, checked.data) };
      const issue = checked.error.issues[0];
      const notice = makeNotice('warning', `Invalid ${issue?.path.join('.') ?? 'setting'}`, issue?.message ?? 'The value was refused.');
      return { notices: [...state.notices, notice].slice(-NOTICES_KEPT) };
    }),
  replaceSettings: (settings) => set({ settings }),
  notify: (kind, title, text, options) => set((state) => ({ notices: addNotice(state.notices, kind, title, text, options) })),
  dismissNotice: (id) => set((state) => ({ notices: state.notices.filter((notice) => notice.id !== id) })),
  dismissNoticesTitled: (title) => set((state) => ({ notices: state.notices.filter((notice) => notice.title !== title) })),
  dismissAllNotices: () => set({ notices: [] }),
  setRunStatus: (runStatus, runSettings) => set({ runStatus, runSettings: runStatus === 'running' ? (runSettings ?? null) : null }),
  setStages: (stages) => set((state) => ({ stages, stagesStudy: state.settings.study })),
  updateStage: (name, patch) =>
    set((state) => ({
      stages: state.stages.some((stage) => stage.name === name)
        ? state.stages.map((stage) => (stage.name === name ? { ...stage, ...patch } : stage))
        : [...state.stages, { name, status: 'waiting', done: 0, total: 0, unit: '', milliseconds: null, ...patch }],
    })),
  showResult: () =>
    set((state) => ({
      stages: state.stages.map((stage) =>
        stage.status === 'ready' ? { ...stage, status: 'done' } : stage.name === 'draw' ? { ...stage, status: 'running', startedAt: performance.now() } : stage,
      ),
    })),
  finishDrawing: () =>
    set((state) => (!state.stages.some((stage) => stage.name === 'draw' && stage.status === 'running') ? state : {
      stages: state.stages.map((stage) =>
        stage.name === 'draw' && stage.status === 'running'
          ? { ...stage, status: 'done', done: 1, total: 1, milliseconds: stage.startedAt === undefined ? null : performance.now() - stage.startedAt }
          : stage,
      ),
    })),
  setSelectionMask: (selectionMask) => set({ selectionMask }),
  setHoveredPatch: (hoveredPatch) => set({ hoveredPatch }),
  setResult: (result) => set({ result }),
  setPreview: (preview) => set({ preview }),
  setShown: (settings) => set((state) => ({ shown: { ...state.shown, [settings.study]: settings } })),
  restoreShown: (study, previous) => set((state) => ({ shown: { ...state.shown, [study]: previous } })),
  setRunEnd: (runEnd) => set({ runEnd }),
  setCredentials: (credentials) => set({ credentials }),
}));
