// Runs a benchmark suite of bench/browser/bench.html in headless Chromium (Debian's, driven by
// Playwright) and returns its results. The page is served by Vite with the app's own config, either
// from the dev server or, as users get it, from a production build served by `vite preview`:
// minification and bundling break threaded WASM in ways the dev server hides.
import { createHash } from 'node:crypto';
import { createServer as createNetServer } from 'node:net';
import { join, resolve } from 'node:path';
import { chromium, type Page } from '@playwright/test';
import { build, createServer, preview, type InlineConfig } from 'vite';
import type { BenchResult, BenchSuite, BrowserEnvironment, PageOutcome } from './protocol.ts';

export type ServeMode = 'dev' | 'preview';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const ROOT = resolve(import.meta.dirname, '..', '..');
export const PAGE = 'bench/browser/bench.html';
/**
 * Inside node_modules: ignored by git, and apart from the app's dist/. One folder per checkout (its path hashed): worktrees
 * that link one node_modules would otherwise build into the same folder, and a bench started in one replaced the files
 * that another's page was still loading (a worker started mid-run fetched a chunk that was gone).
 */
const BUILD_DIR = join(ROOT, 'node_modules', '.cache', `latent-explorer-bench-${createHash('sha256').update(ROOT).digest('hex').slice(0, 8)}`);
const PAGE_TIMEOUT_MS = 30 * 60 * 1000;

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
 * users get it); returns its origin and a stop function.
 */
export async function serve(mode: ServeMode, page: string = PAGE): Promise<{ origin: string; stop(): Promise<void> }> {
  const port = await freePort();
  if (mode === 'dev') {
    const server = await createServer({ ...baseConfig(), server: { ...baseConfig().server, port, strictPort: true } });
    await server.listen();
    return { origin: `http://localhost:${port}`, stop: () => server.close() };
  }
  // logLevel 'error': the bundler's plugin-timing notes are not benchmark results.
  const outDir = page === PAGE ? BUILD_DIR : `${BUILD_DIR}-${page.replace(/\W+/g, '-')}`;
  await build({ ...baseConfig(), logLevel: 'error', build: { outDir, emptyOutDir: true, rollupOptions: { input: join(ROOT, page) } } });
  const server = await preview({ ...baseConfig(), build: { outDir }, preview: { port, strictPort: true } });
  return {
    origin: `http://localhost:${port}`,
    stop: () => new Promise<void>((done, fail) => server.httpServer.close((error) => (error ? fail(error) : done()))),
  };
}

/**
 * The page's outcome. The dev server may still reload the page once, when it finds a dependency to
 * optimise that its scan missed; the reloaded page starts the suite again, so wait for that one.
 */
async function pageOutcome(page: Page): Promise<PageOutcome> {
  try {
    return await page.evaluate(() => window.benchOutcome);
  } catch (error) {
    if (!(error instanceof Error && error.message.includes('Execution context was destroyed'))) throw error;
    await page.waitForLoadState('load');
    return page.evaluate(() => window.benchOutcome);
  }
}

/**
 * Opens the page for `suite` with the query `params` and waits for its outcome; page console lines
 * go to `onLine` (progress).
 */
export async function runBrowserSuite<S extends BenchSuite>(
  suite: S,
  params: Record<string, string>,
  mode: ServeMode,
  onLine: (line: string) => void = () => undefined,
): Promise<BrowserRun<Extract<BenchResult, { suite: S }>>> {
  const server = await serve(mode);
  const browser = await chromium.launch({
    executablePath: CHROMIUM_PATH,
    // CHROMIUM_ARGS adds flags, e.g. "--use-angle=vulkan --enable-features=Vulkan" for a real GPU.
    args: ['--no-sandbox', '--enable-unsafe-webgpu', '--disable-background-networking', ...(process.env.CHROMIUM_ARGS ?? '').split(' ').filter((arg) => arg !== '')],
  });
  try {
    const page = await browser.newPage();
    page.on('console', (message) => onLine(message.text()));
    page.on('pageerror', (error) => onLine(`page error: ${error.message}`));
    page.context().on('response', (response) => {
      if (response.status() >= 400 && !response.url().endsWith('/favicon.ico')) onLine(`HTTP ${response.status()} ${response.url()}`);
    });
    page.setDefaultTimeout(PAGE_TIMEOUT_MS);
    const query = new URLSearchParams({ suite, ...params });
    await page.goto(`${server.origin}/${PAGE}?${query}`);
    const outcome = await pageOutcome(page);
    if (!outcome.ok) throw new BrowserBenchError(`${suite} benchmark in Chromium (${mode}): ${outcome.message}`);
    if (outcome.result.suite !== suite) throw new BrowserBenchError(`asked for ${suite}, the page ran ${outcome.result.suite}`);
    return { mode, environment: outcome.environment, result: outcome.result as Extract<BenchResult, { suite: S }> };
  } finally {
    await browser.close();
    await server.stop();
  }
}
