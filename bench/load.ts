// `npm run bench:load [-- --runs 20 --cancels 10 --seed 1 --cancel-in encode]` (issue 16, load): the production build in
// Chromium, one page on the embedded sample. The land-sea study runs once, then `runs` more times to the
// end and `cancels` times cancelled at a stage picked at random (fetch, encode, PCA or the probe fit),
// stepping the date, the latent level and the model before each. The models are those models/ lists; when it lists
// one, the bench adds the default model's untrained control (seed 1, as `latent-explorer init-model` would) in a
// temporary folder it serves instead of models/ (which it never writes), so that every run switches model. The
// memory of Chromium's processes (PSS, as the encoder benchmark measures it: bench/browser/memory.ts)
// after the last run is compared with its level after the first; every cancelled run reports how long
// its worker took to stop after Cancel and which worker jobs still ran afterwards (the run-end line).
// `--cancel-in STAGE` cancels every cancelled run in that stage (encode: the stage whose worker is ended
// when a tile does not stop in time, so the run after it shows what loading the model again costs).
// Chromium is driven over its DevTools pipe with no DevTools domain enabled (bench/browser/plain-chromium.ts): Playwright
// enables the Network domain in the page and in every worker, and that domain keeps a copy of each response body (the
// ERA5 chunks the encoder worker reads) in the renderer for DevTools to show, memory a researcher's browser never holds.
// Diagnostics: `--memory-dump` (Chromium's memory-infra account of each process by allocator, after the first run and
// at the end) and, written to bench/results/, `--heap-snapshot-after N` (the window's heap after the first run and after
// run N, which found the latent cache's memory entries holding study times), `--cpu-profile` and `--trace` (each
// cancelled run: what the page's main thread does after Cancel).
import { createWriteStream, existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { serve } from './browser/harness.ts';
import { chromiumProcesses } from './browser/memory.ts';
import { PlainChromium, type PlainPage } from './browser/plain-chromium.ts';
import { median, recordFigures, targetRatio, type Figure } from './summary.ts';
import { listModels, MODELS_DIR_VARIABLE, modelsDir } from '../scripts/vite-models-plugin.ts';
import { initModel } from '../src/encoder/init-model.node.ts';
import { DEFAULT_UNTRAINED, untrainedModelName } from '../src/encoder/untrained.ts';

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '20' },
    cancels: { type: 'string', default: '10' },
    seed: { type: 'string', default: '1' },
    'cancel-in': { type: 'string' },
    private: { type: 'boolean', default: false },
    'heap-snapshot-after': { type: 'string' },
    'cpu-profile': { type: 'boolean', default: false },
    trace: { type: 'boolean', default: false },
    'memory-dump': { type: 'boolean', default: false },
  },
});
/** `--cpu-profile`: each cancelled run's window is profiled (DevTools' .cpuprofile in bench/results/), to see what the main thread does around Cancel. */
const CPU_PROFILE = values['cpu-profile'];
/** `--trace`: each cancelled run is traced (DevTools' timeline categories, a .json trace in bench/results/): layout, paint and scripts by task. */
const TRACE = values.trace;
/** `--heap-snapshot-after N`: the window's JavaScript heap is written to bench/results/ after the first run and after run N (Chrome DevTools' format), to find what holds memory. */
/** `--memory-dump`: Chromium's own account of each process's memory by allocator (memory-infra: v8, partition_alloc, malloc, skia, gpu…) after the first run and at the end, to place growth outside JavaScript. */
const MEMORY_DUMP = values['memory-dump'];
const SNAPSHOT_AFTER = values['heap-snapshot-after'] === undefined ? null : Number(values['heap-snapshot-after']);
const RUNS = Number(values.runs);
const CANCELS = Number(values.cancels);
const STAGES = ['fetch', 'encode', 'pca', 'probe'] as const;
const CANCEL_IN = values['cancel-in'];
if (CANCEL_IN !== undefined && !(STAGES as readonly string[]).includes(CANCEL_IN)) throw new Error(`--cancel-in takes one of ${STAGES.join(', ')}`);
const RUN_TIMEOUT_MS = 600_000;
const MEMORY_TARGET = { kind: 'max', limit: 1.15, source: 'issue 16' } as const;
const CANCEL_TARGET = { kind: 'max', limit: 1_000, source: 'issue 16' } as const;

/** A small seeded generator (LCG), so that a run of the benchmark repeats. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1_664_525) + 1_013_904_223) >>> 0;
    return state / 2 ** 32;
  };
}

interface RunOutcome {
  /** 'done', 'cancelled' or 'failed', from the page. */
  status: string;
  /** The stage that was running when Cancel was pressed. */
  cancelledIn: string | null;
  stopMs: number | null;
  busyJobs: number;
  /** The run-end line when a job was still running: it names the jobs. */
  busyLine: string | null;
  /** The page's main thread's longest task (PerformanceObserver 'longtask') from Cancel to the run's end: a busy main thread delays the cancel itself. */
  longestTaskAfterCancelMs: number | null;
  wallMs: number;
}

/** Presses Run and, when `cancelFrom` is given, Cancel as soon as that stage or a later one runs; resolves when Run is enabled again. */
async function runOnce(page: PlainPage, cancelFrom: string | null): Promise<RunOutcome> {
  const started = Date.now();
  const { cancelledIn, longestTaskAfterCancelMs } = await page.call(
    ({ cancelFrom, stages, timeoutMs }) =>
      new Promise<{ cancelledIn: string | null; longestTaskAfterCancelMs: number | null }>((resolve, reject) => {
        const run = document.querySelector<HTMLButtonElement>('button[aria-label="Run"]');
        const cancel = document.querySelector<HTMLButtonElement>('button[aria-label="Cancel"]');
        if (!run || !cancel) return reject(new Error('no Run or Cancel button'));
        let running = false;
        let cancelledIn: string | null = null;
        let cancelledAt: number | null = null;
        let longestTask: number | null = null;
        const tasks = new PerformanceObserver((list) => {
          for (const task of list.getEntries()) {
            if (cancelledAt !== null && task.startTime + task.duration > cancelledAt) longestTask = Math.max(longestTask ?? 0, task.startTime + task.duration - Math.max(task.startTime, cancelledAt));
          }
        });
        tasks.observe({ type: 'longtask' });
        const from = cancelFrom === null ? -1 : stages.indexOf(cancelFrom);
        const check = () => {
          if (run.disabled) running = true;
          if (running && from >= 0 && cancelledIn === null) {
            const stage = Array.from(document.querySelectorAll<HTMLElement>('[data-stage][data-status="running"]'))
              .map((element) => element.dataset.stage ?? '')
              .find((name) => stages.indexOf(name) >= from);
            if (stage) {
              cancelledIn = stage;
              cancelledAt = performance.now();
              longestTask = 0;
              cancel.click();
            }
          }
          if (running && !run.disabled) {
            observer.disconnect();
            clearTimeout(timer);
            for (const task of tasks.takeRecords()) {
              if (cancelledAt !== null && task.startTime + task.duration > cancelledAt) longestTask = Math.max(longestTask ?? 0, task.startTime + task.duration - Math.max(task.startTime, cancelledAt));
            }
            tasks.disconnect();
            resolve({ cancelledIn, longestTaskAfterCancelMs: longestTask });
          }
        };
        const observer = new MutationObserver(check);
        observer.observe(document.body, { subtree: true, childList: true, attributes: true });
        const timer = setTimeout(() => reject(new Error(`the run did not end within ${timeoutMs / 1000} s`)), timeoutMs);
        run.click();
        check();
      }),
    { cancelFrom, stages: [...STAGES] as string[], timeoutMs: RUN_TIMEOUT_MS },
  );
  const ended = await page.call(() => {
    const line = document.querySelector<HTMLElement>('[role="status"][aria-label="Run ended"]');
    return line ? { status: line.dataset.status ?? 'ended', stop: line.dataset.stopMs ?? '', busy: Number(line.dataset.busyJobs ?? 0), text: line.textContent ?? '' } : null;
  }, null);
  const status = ended?.status ?? 'done';
  const stop = status === 'cancelled' ? ended?.stop : null;
  const busy = status === 'cancelled' ? (ended?.busy ?? 0) : 0;
  const busyLine = busy > 0 ? (ended?.text ?? null) : null;
  return { status, cancelledIn, stopMs: stop ? Number(stop) : null, busyJobs: busy, busyLine, longestTaskAfterCancelMs, wallMs: Date.now() - started };
}

/** Chromium's memory after the page has been quiet a moment and its main thread collected garbage. */
async function settledPssMiB(page: PlainPage): Promise<number> {
  await pause(3_000);
  await page.gc();
  await pause(1_000);
  return (await chromiumProcesses()).reduce((sum, process) => sum + process.pssMiB, 0);
}

/**
 * The page's own account of its memory (performance.measureUserAgentSpecificMemory, which a cross-origin isolated
 * page has): bytes by realm, the window and each worker, so that a rise in the renderer can be placed.
 */
async function memoryByRealm(page: PlainPage): Promise<string> {
  const realms = await page.call(async () => {
    const measure = (performance as { measureUserAgentSpecificMemory?: () => Promise<{ breakdown: { bytes: number; attribution: { url: string; scope: string }[]; types: string[] }[] }> }).measureUserAgentSpecificMemory;
    if (!measure) return null;
    const result = await measure.call(performance);
    const totals = new Map<string, number>();
    for (const entry of result.breakdown) {
      const where = entry.attribution.map((realm) => `${realm.scope} ${realm.url.replace(/^.*\//, '').replace(/\?.*$/, '')}`).join('+') || entry.types.join('+') || 'shared';
      totals.set(where, (totals.get(where) ?? 0) + entry.bytes);
    }
    return [...totals].sort((a, b) => b[1] - a[1]);
  }, null);
  if (!realms) return 'not measurable (the page is not cross-origin isolated)';
  return realms.map(([where, bytes]) => `${where} ${(bytes / 2 ** 20).toFixed(0)}`).join(', ');
}

/** bench/results/, made when missing. */
function resultsDirectory(): string {
  const directory = join(import.meta.dirname, 'results');
  mkdirSync(directory, { recursive: true });
  return directory;
}

/** Runs `work` with the window's CPU profiler on and writes its profile to bench/results/NAME.cpuprofile. */
async function profiled<T>(page: PlainPage, name: string, work: () => Promise<T>): Promise<T> {
  await page.send('Profiler.enable');
  await page.send('Profiler.setSamplingInterval', { interval: 1_000 });
  await page.send('Profiler.start');
  try {
    return await work();
  } finally {
    const { profile } = await page.send('Profiler.stop');
    writeFileSync(join(resultsDirectory(), `${name}.cpuprofile`), JSON.stringify(profile));
    await page.send('Profiler.disable');
  }
}

/** The events of a trace of the whole browser (every process) while `work` runs, and what `work` returned. */
async function tracing<T>(browser: PlainChromium, config: Record<string, unknown>, work: () => Promise<T>): Promise<{ events: unknown[]; result: T }> {
  const events: unknown[] = [];
  const stopCollecting = browser.on('Tracing.dataCollected', ({ value }) => events.push(...(value as unknown[])));
  const complete = new Promise<void>((done) => {
    const stopWaiting = browser.on('Tracing.tracingComplete', () => {
      stopWaiting();
      done();
    });
  });
  await browser.send('Tracing.start', { ...config, transferMode: 'ReportEvents' });
  try {
    return { result: await work(), events };
  } finally {
    await browser.send('Tracing.end');
    await complete;
    stopCollecting();
  }
}

/** Runs `work` under a DevTools timeline trace of the page and writes its events to bench/results/NAME.json. */
async function traced<T>(browser: PlainChromium, name: string, work: () => Promise<T>): Promise<T> {
  const { events, result } = await tracing(browser, { categories: 'devtools.timeline,disabled-by-default-devtools.timeline,blink.user_timing,v8.execute' }, work);
  writeFileSync(join(resultsDirectory(), `${name}.json`), JSON.stringify({ traceEvents: events }));
  return result;
}

/** Chromium's memory-infra dump through the DevTools protocol: each process's top-level allocators over 1 MiB, in MiB. */
async function memoryByAllocator(browser: PlainChromium): Promise<string> {
  type DumpEvent = { ph: string; pid: number; name: string; args?: { name?: string; dumps?: { allocators?: Record<string, { attrs?: { size?: { value?: string } } }> } } };
  const traced = await tracing(browser, { traceConfig: { includedCategories: ['disabled-by-default-memory-infra'], memoryDumpConfig: { triggers: [] } } }, () =>
    browser.send('Tracing.requestMemoryDump', { deterministic: false, levelOfDetail: 'detailed' }),
  );
  const events = traced.events as DumpEvent[];
  const success = traced.result.success === true;
  const names = new Map(events.filter((event) => event.ph === 'M' && event.name === 'process_name').map((event) => [event.pid, event.args?.name ?? String(event.pid)]));
  const lines: string[] = [];
  for (const event of events) {
    const allocators = event.ph === 'v' ? event.args?.dumps?.allocators : undefined;
    if (!allocators || Object.keys(allocators).length === 0) continue;
    const top = Object.entries(allocators)
      .filter(([name]) => !name.includes('/'))
      .map(([name, dump]) => [name, Number.parseInt(dump.attrs?.size?.value ?? '0', 16) / 2 ** 20] as const)
      .filter(([, mib]) => mib >= 1)
      .sort((a, b) => b[1] - a[1]);
    lines.push(`${names.get(event.pid) ?? event.pid}: ${top.map(([name, mib]) => `${name} ${mib.toFixed(0)}`).join(', ')}`);
  }
  // A process that did not answer in time (a worker busy in WASM) makes the dump partial: the others are still shown.
  return `${lines.join('; ') || 'no memory dump'}${success ? '' : ' (partial: not every process answered)'}`;
}

/** Writes the window's JavaScript heap (after a collection) to bench/results/NAME.heapsnapshot through the DevTools protocol. */
async function writeHeapSnapshot(page: PlainPage, name: string): Promise<string> {
  const path = join(resultsDirectory(), `${name}.heapsnapshot`);
  const file = createWriteStream(path);
  const stopWriting = page.on('HeapProfiler.addHeapSnapshotChunk', ({ chunk }) => file.write(chunk as string));
  await page.send('HeapProfiler.enable');
  await page.send('HeapProfiler.collectGarbage');
  await page.send('HeapProfiler.takeHeapSnapshot', { reportProgress: false });
  await page.send('HeapProfiler.disable');
  stopWriting();
  await new Promise<void>((done, fail) => file.end((error?: Error | null) => (error ? fail(error) : done())));
  return path;
}

let forward = true;

/** Steps the set-up before a run: the next (or previous) time, the next latent level, the next model. */
async function stepSetup(page: PlainPage, k: number, models: string[]): Promise<string> {
  // Through the store's times one way, then back the other way from its end. The buttons are found by what they do:
  // their names give the gap to the next time, which is not 6 h where the store's times jump (2022-08-06T06:00 follows
  // 2022-07-28T18:00 in the sample), and a step found by '−6 h' there waited for ever.
  const step = () => ({ title: forward ? "The store's next time" : "The store's previous time" });
  if (await page.isDisabled(step())) forward = !forward;
  await page.click(step());
  const level = String(k % 4);
  await page.setValue('Latent level', level);
  if (models.length > 1) await page.setValue('Model', models[k % models.length]);
  const time = await page.value('Time');
  return `${time} level ${level}${models.length > 1 ? ` ${models[k % models.length]}` : ''}`;
}

const load = () => loadavg().map((value) => value.toFixed(1)).join(' ');
const pause = (milliseconds: number) => new Promise((resolve) => setTimeout(resolve, milliseconds));

/** The page's uncaught errors since the last look, on stderr. */
async function reportPageErrors(page: PlainPage): Promise<void> {
  for (const error of await page.errors()) console.error(`page error: ${error}`);
}

/**
 * A temporary folder the preview server serves at /models/ instead of models/ (LATENT_EXPLORER_MODELS_DIR): links
 * to models/'s files and, when models/ lists a single usable model, the default model's untrained control (seed 1,
 * as `latent-explorer init-model` would write it), so that every run switches model. models/ itself is never written,
 * so a killed bench leaves nothing listed there (at most a folder under the system's temporary folder).
 */
async function servedModels(): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-load-models-'));
  const source = modelsDir();
  const listed = listModels(source);
  for (const { file } of listed) for (const name of [file, `${file}.json`]) if (existsSync(join(source, name))) symlinkSync(join(source, name), join(dir, name));
  if (listed.filter((model) => model.unusable === undefined).length <= 1) {
    await initModel({ preset: DEFAULT_UNTRAINED.preset, seed: DEFAULT_UNTRAINED.seed + 1, out: join(dir, `${untrainedModelName(DEFAULT_UNTRAINED.preset, DEFAULT_UNTRAINED.seed + 1)}.onnx`) });
  }
  return dir;
}

const modelsServed = await servedModels();
process.env[MODELS_DIR_VARIABLE] = modelsServed;
const server = await serve('preview', 'index.html');
// --expose-gc: the page's main thread collects before each reading (its workers collect on their own).
// The page in the browser's profile on disk, as a user's window: its IndexedDB and HTTP cache live on disk. `--private`
// measures a private window's instead (a browser context of its own), where both live in the browser's memory: the latent
// cache's IndexedDB copies (bounded, src/app/latent-cache.ts) then count as the browser process's memory.
const browser = PlainChromium.launch(['--disable-background-networking', '--disable-component-update', '--js-flags=--expose-gc']);
const figures: Figure[] = [];
try {
  console.log(`Load: ${RUNS} runs to the end and ${CANCELS} cancelled, one page, production build, ${values.private ? 'a private window' : 'a profile on disk'}; load average ${load()}`);
  const page = await browser.newPage(`${server.origin}/?time=2022-08-07T06%3A00%3A00Z`, { width: 1440, height: 900 }, { inProfile: !values.private });
  await page.waitFor(`document.querySelector('[aria-label="Metrics"]') && document.querySelector('[data-stage="draw"][data-status="done"]')`, RUN_TIMEOUT_MS);
  await reportPageErrors(page);
  const models = await page.call(
    () => Array.from(document.querySelectorAll<HTMLOptionElement>('select[aria-label="Model"] option:not([disabled])'), (option) => option.value).filter((value) => value !== ''),
    null,
  );
  const afterFirst = await settledPssMiB(page);
  const firstByProcess = (await chromiumProcesses()).map((process) => `${process.name} ${process.pssMiB.toFixed(0)}`).join(', ');
  console.log(`  after the first run: ${afterFirst.toFixed(0)} MiB PSS; models to switch between: ${models.length}`);
  console.log(`  the page's own account (MiB): ${await memoryByRealm(page)}`);
  if (MEMORY_DUMP) console.log(`  by allocator (MiB, memory-infra): ${await memoryByAllocator(browser)}`);
  if (SNAPSHOT_AFTER !== null) console.log(`  heap snapshot: ${await writeHeapSnapshot(page, 'load-heap-after-first')}`);

  const next = random(Number(values.seed));
  // The cancelled runs spread among the complete ones.
  const plan = [...Array<boolean>(RUNS).fill(false), ...Array<boolean>(CANCELS).fill(true)].sort(() => next() - 0.5);
  const outcomes: RunOutcome[] = [];
  let peak = afterFirst;
  let peakByProcess = firstByProcess;
  for (const [k, cancelled] of plan.entries()) {
    const setup = await stepSetup(page, k, models);
    const picked = cancelled ? STAGES[Math.floor(next() * STAGES.length)] : null;
    const cancelFrom = cancelled ? (CANCEL_IN ?? picked) : null;
    const run = () => runOnce(page, cancelFrom);
    const outcome =
      cancelFrom === null ? await run() : CPU_PROFILE ? await profiled(page, `load-cancel-${k + 1}`, run) : TRACE ? await traced(browser, `load-cancel-${k + 1}`, run) : await run();
    outcomes.push(outcome);
    await reportPageErrors(page);
    const processes = await chromiumProcesses();
    const pss = processes.reduce((sum, process) => sum + process.pssMiB, 0);
    if (pss > peak) [peak, peakByProcess] = [pss, processes.map((process) => `${process.name} ${process.pssMiB.toFixed(0)}`).join(', ')];
    const stop = outcome.stopMs === null ? '' : `, stopped ${outcome.stopMs.toFixed(0)} ms after Cancel (in ${outcome.cancelledIn}), busy jobs ${outcome.busyJobs}${outcome.busyLine ? ` ("${outcome.busyLine}")` : ''}, main thread's longest task after Cancel ${outcome.longestTaskAfterCancelMs?.toFixed(0) ?? '-'} ms`;
    console.log(`  ${String(k + 1).padStart(2)} ${setup}: ${outcome.status} in ${(outcome.wallMs / 1000).toFixed(1)} s${stop}; PSS ${pss.toFixed(0)} MiB`);
    if (SNAPSHOT_AFTER === k + 1) {
      console.log(`  the page's own account (MiB): ${await memoryByRealm(page)}`);
      console.log(`  heap snapshot: ${await writeHeapSnapshot(page, `load-heap-after-${k + 1}`)}`);
    }
  }
  const atEnd = await settledPssMiB(page);
  const stops = outcomes.flatMap((outcome) => (outcome.stopMs === null ? [] : [outcome.stopMs]));
  const busy = outcomes.reduce((sum, outcome) => sum + outcome.busyJobs, 0);
  const failed = outcomes.filter((outcome) => outcome.status === 'failed').length;
  const label = `${RUNS} runs + ${CANCELS} cancels, 1° sample, Chromium${values.private ? ' (private window)' : ''}`;
  figures.push({ bench: 'load', name: `PSS after / after the first run, ${label}`, value: atEnd / afterFirst, unit: 'x', target: MEMORY_TARGET });
  if (stops.length > 0) {
    figures.push({ bench: 'load', name: `Cancel to the worker's job ending, median, ${label}`, value: median(stops), unit: 'ms', target: CANCEL_TARGET });
    figures.push({ bench: 'load', name: `Cancel to the worker's job ending, worst, ${label}`, value: Math.max(...stops), unit: 'ms', target: CANCEL_TARGET });
  }
  figures.push({ bench: 'load', name: `worker jobs still running after a cancel, ${label}`, value: busy, unit: 'jobs' });
  const byProcess = (await chromiumProcesses()).map((process) => `${process.name} ${process.pssMiB.toFixed(0)}`).join(', ');
  console.log(`  after the last: ${atEnd.toFixed(0)} MiB PSS (${((100 * atEnd) / afterFirst).toFixed(0)} % of the level after the first run; peak ${peak.toFixed(0)} MiB); failed runs ${failed}`);
  console.log(`  by process (MiB PSS): ${byProcess}; after the first run: ${firstByProcess}; at the peak: ${peakByProcess}`);
  console.log(`  the page's own account (MiB): ${await memoryByRealm(page)}`);
  if (MEMORY_DUMP) console.log(`  by allocator (MiB, memory-infra): ${await memoryByAllocator(browser)}`);
  for (const figure of figures) {
    const ratio = targetRatio(figure);
    console.log(`  ${figure.name}: ${figure.value.toFixed(2)} ${figure.unit}${ratio === undefined ? '' : `, ratio to target ${ratio.toFixed(2)}`}`);
  }
  console.log(`  load average after: ${load()}`);
} finally {
  await browser.close();
  await server.stop();
  rmSync(modelsServed, { recursive: true, force: true });
}
recordFigures(figures);
