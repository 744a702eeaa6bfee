// Runs a benchmark suite of bench/browser/bench.html in headless Chromium (Debian's, driven with no DevTools
// domain enabled: bench/browser/plain-chromium.ts) and returns its results. The page is served by Vite with the
// app's own config, either from the dev server or, as users get it, from a production build served by `vite
// preview`: minification and bundling break threaded WASM in ways the dev server hides.
import { createHash } from 'node:crypto';
import { createServer as createNetServer } from 'node:net';
import { join, resolve } from 'node:path';
import { build, createServer, preview, type InlineConfig, type Plugin, type PreviewServer, type ViteDevServer } from 'vite';
import { PlainChromium, PlainChromiumError, type PlainPage } from './plain-chromium.ts';
import type { BenchResult, BenchSuite, BrowserEnvironment, PageOutcome } from './protocol.ts';

export type ServeMode = 'dev' | 'preview';

const ROOT = resolve(import.meta.dirname, '..', '..');
export const PAGE = 'bench/browser/bench.html';
/**
 * Inside node_modules: ignored by git, and apart from the app's dist/. One folder per checkout (its path hashed): worktrees
 * that link one node_modules would otherwise build into the same folder, and a bench started in one replaced the files
 * that another's page was still loading (a worker started mid-run fetched a chunk that was gone).
 */
const BUILD_DIR = join(ROOT, 'node_modules', '.cache', `latent-explorer-bench-${createHash('sha256').update(ROOT).digest('hex').slice(0, 8)}`);
const PAGE_TIMEOUT_MS = 30 * 60 * 1000;
/** How often the harness reads the page's progress lines and outcome. */
const POLL_MS = 500;
/** Playwright's default viewport, which the suites ran in before. */
const VIEWPORT = { width: 1280, height: 720 };

export interface BrowserRun<R extends BenchResult> {
  mode: ServeMode;
  environment: BrowserEnvironment;
  result: R;
}

export class BrowserBenchError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BrowserBenchError';
  }
}

function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createNetServer();
    server.once('error', reject);
    server.listen(0, () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolvePort(address.port) : reject(new Error('no port'))));
    });
  });
}

/** Tells `onLine` of every request the server answers with 400 or more (the page cannot see them all). */
function failedRequests(onLine: (line: string) => void): Plugin {
  const watch = (server: ViteDevServer | PreviewServer) => {
    server.middlewares.use((request, response, next) => {
      response.on('finish', () => {
        if (response.statusCode >= 400) onLine(`HTTP ${response.statusCode} ${request.url}`);
      });
      next();
    });
  };
  // 'pre': ahead of the app's own middlewares (its models/ route answers some requests itself).
  return { name: 'bench-failed-requests', enforce: 'pre', configureServer: watch, configurePreviewServer: watch };
}

function baseConfig(): InlineConfig {
  return {
    root: ROOT,
    configFile: join(ROOT, 'vite.config.ts'),
    logLevel: 'warn',
    // Apart from the app's dev server, which may be running and whose optimised deps would clash.
    cacheDir: join(ROOT, 'node_modules', '.vite-bench'),
    // Scanning the page up front keeps the dev server from discovering tfjs mid-run and reloading.
    optimizeDeps: { entries: [PAGE, 'bench/browser/*.worker.ts'], include: ['@tensorflow/tfjs-backend-wasm'] },
    server: { hmr: false, watch: null },
  };
}

/**
 * Starts a server for the benchmark page, or for the app itself (`page` 'index.html': its production build, as
 * users get it); returns its origin and a stop function. `onLine` hears of the requests it fails.
 */
export async function serve(mode: ServeMode, page: string = PAGE, onLine?: (line: string) => void): Promise<{ origin: string; stop(): Promise<void> }> {
  const port = await freePort();
  const plugins = onLine ? [failedRequests(onLine)] : [];
  if (mode === 'dev') {
    const server = await createServer({ ...baseConfig(), plugins, server: { ...baseConfig().server, port, strictPort: true } });
    await server.listen();
    return { origin: `http://localhost:${port}`, stop: () => server.close() };
  }
  // logLevel 'error': the bundler's plugin-timing notes are not benchmark results.
  const outDir = page === PAGE ? BUILD_DIR : `${BUILD_DIR}-${page.replace(/\W+/g, '-')}`;
  await build({ ...baseConfig(), logLevel: 'error', build: { outDir, emptyOutDir: true, rollupOptions: { input: join(ROOT, page) } } });
  const server = await preview({ ...baseConfig(), plugins, build: { outDir }, preview: { port, strictPort: true } });
  return {
    origin: `http://localhost:${port}`,
    stop: () => new Promise<void>((done, fail) => server.httpServer.close((error) => (error ? fail(error) : done()))),
  };
}

/** What the page shows the harness at a poll (bench/browser/main.ts). */
interface PageState {
  /** The page's document, told apart by its time origin: a dev server's reload starts a new one. */
  timeOrigin: number;
  lines: string[];
  outcome: PageOutcome | null;
}

/**
 * The page's outcome, its progress lines and errors told to `onLine` as they come. The dev server may still reload
 * the page once, when it finds a dependency to optimise that its scan missed: the reloaded page starts the suite
 * again (and a poll in between finds no page to read), so the lines start again with the new document.
 */
async function pageOutcome(page: PlainPage, onLine: (line: string) => void): Promise<PageOutcome> {
  const deadline = Date.now() + PAGE_TIMEOUT_MS;
  let timeOrigin = 0;
  let told = 0;
  for (;;) {
    const state = await page
      .evaluate<PageState | null>(
        `window.benchLines ? { timeOrigin: performance.timeOrigin, lines: window.benchLines.slice(performance.timeOrigin === ${timeOrigin} ? ${told} : 0), outcome: window.benchSettled ?? null } : null`,
      )
      // A page that is reloading has no document to read: poll again. One that crashed, or a Chromium that exited, answers no more.
      .catch((error: unknown) => {
        if (error instanceof PlainChromiumError && error.ended) throw error;
        return null;
      });
    if (state) {
      if (state.timeOrigin !== timeOrigin) [timeOrigin, told] = [state.timeOrigin, 0];
      state.lines.forEach((line) => onLine(line));
      told += state.lines.length;
      if (state.outcome) return state.outcome;
    }
    if (Date.now() > deadline) throw new BrowserBenchError(`the page gave no outcome in ${PAGE_TIMEOUT_MS / 60_000} min`);
    await new Promise((wake) => setTimeout(wake, POLL_MS));
  }
}

/**
 * Opens the page for `suite` with the query `params` and waits for its outcome; the page's progress lines
 * and errors, and the requests the server failed, go to `onLine`.
 */
export async function runBrowserSuite<S extends BenchSuite>(
  suite: S,
  params: Record<string, string>,
  mode: ServeMode,
  onLine: (line: string) => void = () => undefined,
): Promise<BrowserRun<Extract<BenchResult, { suite: S }>>> {
  const server = await serve(mode, PAGE, onLine);
  const browser = PlainChromium.launch([
    '--enable-unsafe-webgpu',
    '--disable-background-networking',
    // As Playwright launches it: a page in the background keeps its timers and its process's priority.
    '--disable-background-timer-throttling',
    '--disable-backgrounding-occluded-windows',
    '--disable-renderer-backgrounding',
    // CHROMIUM_ARGS adds flags, e.g. "--use-angle=vulkan --enable-features=Vulkan" for a real GPU.
    ...(process.env.CHROMIUM_ARGS ?? '').split(' ').filter((arg) => arg !== ''),
  ]);
  try {
    const query = new URLSearchParams({ suite, ...params });
    const page = await browser.newPage(`${server.origin}/${PAGE}?${query}`, VIEWPORT);
    const outcome = await pageOutcome(page, onLine);
    if (!outcome.ok) throw new BrowserBenchError(`${suite} benchmark in Chromium (${mode}): ${outcome.message}`);
    if (outcome.result.suite !== suite) throw new BrowserBenchError(`asked for ${suite}, the page ran ${outcome.result.suite}`);
    return { mode, environment: outcome.environment, result: outcome.result as Extract<BenchResult, { suite: S }> };
  } finally {
    await browser.close();
    await server.stop();
  }
}
