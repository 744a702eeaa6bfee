// Headless Chromium driven over its DevTools pipe with no DevTools domain enabled in the page (only the
// browser process's Inspector domain, which keeps nothing and tells of a crash), for the benchmarks that
// measure the browser's memory. Playwright enables DevTools' Network domain in every page and worker it
// attaches to, and that domain keeps a copy of every response body of up to about 10 MB in the renderer
// (up to about 200 MB in all) so that DevTools could show it. A latent store's level, read in ranges of
// 8 MiB, left 16 such copies (171 MiB) in the renderer; the same reads in Chromium driven with no domain
// enabled left none. A researcher's browser has no DevTools attached, so the memory figures come from this
// driver; the app's end-to-end tests keep Playwright.
//
// Only what the benchmarks need: open a page at a viewport size, evaluate an expression or a function, and act on
// elements found by their ARIA label (by their title where a control has no label). A page has no console for the
// driver: a benchmark page keeps its progress lines for the driver to read (bench/browser/main.ts), and a page's errors
// are collected by listeners that the page helpers install (no Runtime domain). Diagnostics (profiles, heap snapshots,
// traces) send their own commands and listen to their events (`send`, `on`).
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable, Writable } from 'node:stream';

/** A command's answer (with its id) or an event (with its method), from the browser or a page's session. */
interface ProtocolMessage {
  id?: number;
  result?: Record<string, unknown>;
  error?: { message: string };
  /** An event's name and parameters, and the page session it comes from (none: the browser's). */
  method?: string;
  params?: Record<string, unknown>;
  sessionId?: string;
}

interface Waiter {
  sessionId?: string;
  resolve: (result: Record<string, unknown>) => void;
  reject: (error: Error) => void;
}

export type EventListener = (params: Record<string, unknown>, sessionId: string | undefined) => void;

interface EvaluateAnswer {
  result: { value?: unknown };
  exceptionDetails?: { text: string; exception?: { description?: string } };
}

/** Debian's Chromium, or CHROMIUM_PATH. */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const EXITED = 'Chromium exited';
const CRASHED = 'the page crashed (its renderer ended; out of memory?)';

export class PlainChromiumError extends Error {
  /** `ended`: Chromium exited or the page crashed, so the page answers no more; other errors (a page reloading, an exception thrown in it) may pass. */
  constructor(
    message: string,
    readonly ended = false,
  ) {
    super(message);
    this.name = 'PlainChromiumError';
  }
}

/** A Chromium of its own (a fresh profile, removed at close), over --remote-debugging-pipe. */
export class PlainChromium {
  private nextId = 1;
  private readonly waiting = new Map<number, Waiter>();
  private received = '';
  private exited = false;
  /** The sessions of pages that crashed. */
  private readonly crashed = new Set<string>();
  private readonly listeners = new Map<string, Set<EventListener>>();

  private constructor(
    private readonly process: ChildProcess,
    private readonly profile: string,
  ) {
    const output = process.stdio[4] as Readable;
    output.setEncoding('utf8');
    output.on('data', (text: string) => {
      this.received += text;
      for (let end = this.received.indexOf('\0'); end >= 0; end = this.received.indexOf('\0')) {
        const answer = JSON.parse(this.received.slice(0, end)) as ProtocolMessage;
        this.received = this.received.slice(end + 1);
        if (answer.method === 'Inspector.targetCrashed' && answer.sessionId) this.pageCrashed(answer.sessionId);
        if (answer.method) for (const listener of this.listeners.get(answer.method) ?? []) listener(answer.params ?? {}, answer.sessionId);
        const waiter = answer.id === undefined ? undefined : this.waiting.get(answer.id);
        if (!waiter || answer.id === undefined) continue;
        this.waiting.delete(answer.id);
        if (answer.error) waiter.reject(new PlainChromiumError(answer.error.message));
        else waiter.resolve(answer.result ?? {});
      }
    });
    process.once('exit', () => {
      this.exited = true;
      for (const waiter of this.waiting.values()) waiter.reject(new PlainChromiumError(EXITED, true));
      this.waiting.clear();
    });
  }

  /** A crashed page's commands are never answered: they fail now, and the next ones at once. */
  private pageCrashed(sessionId: string): void {
    this.crashed.add(sessionId);
    for (const [id, waiter] of this.waiting) {
      if (waiter.sessionId !== sessionId) continue;
      this.waiting.delete(id);
      waiter.reject(new PlainChromiumError(CRASHED, true));
    }
  }

  /** Chromium with no window until newPage opens one, as Playwright launches it (--no-startup-window), so that the same browser processes run. */
  static launch(args: readonly string[] = []): PlainChromium {
    const profile = mkdtempSync(join(tmpdir(), 'plain-chromium-'));
    const child = spawn(CHROMIUM_PATH, ['--headless', '--no-sandbox', '--remote-debugging-pipe', `--user-data-dir=${profile}`, '--no-first-run', '--no-startup-window', ...args], {
      stdio: ['ignore', 'ignore', 'ignore', 'pipe', 'pipe'],
    });
    return new PlainChromium(child, profile);
  }

  /** One DevTools command; `sessionId` sends it to a page's session. */
  send(method: string, params: Record<string, unknown> = {}, sessionId?: string): Promise<Record<string, unknown>> {
    if (this.exited) return Promise.reject(new PlainChromiumError(EXITED, true));
    if (sessionId && this.crashed.has(sessionId)) return Promise.reject(new PlainChromiumError(CRASHED, true));
    const id = this.nextId++;
    const answer = new Promise<Record<string, unknown>>((resolve, reject) => this.waiting.set(id, { sessionId, resolve, reject }));
    (this.process.stdio[3] as Writable).write(`${JSON.stringify({ id, method, params, ...(sessionId ? { sessionId } : {}) })}\0`);
    return answer;
  }

  /** Calls `listener` with each event named `method` (a domain's events come once a command asked for them); returns the unsubscribe. */
  on(method: string, listener: EventListener): () => void {
    const listeners = this.listeners.get(method) ?? new Set<EventListener>();
    this.listeners.set(method, listeners.add(listener));
    return () => listeners.delete(listener);
  }

  /**
   * A new page at `url`, with a viewport of width × height: in a browser context of its own, in memory (as Playwright's
   * newContext, a private window), or with `inProfile` in the browser's profile on disk (as a user's window: its
   * IndexedDB and HTTP cache on disk).
   */
  async newPage(url: string, viewport: { width: number; height: number }, { inProfile = false } = {}): Promise<PlainPage> {
    const { browserContextId } = inProfile ? { browserContextId: undefined } : ((await this.send('Target.createBrowserContext')) as { browserContextId: string });
    const { targetId } = (await this.send('Target.createTarget', { url: 'about:blank', ...(browserContextId ? { browserContextId } : {}) })) as { targetId: string };
    const { sessionId } = (await this.send('Target.attachToTarget', { targetId, flatten: true })) as { sessionId: string };
    // The Inspector domain lives in the browser process and keeps nothing in the renderer; it tells of a crash.
    await this.send('Inspector.enable', {}, sessionId);
    await this.send('Emulation.setDeviceMetricsOverride', { ...viewport, deviceScaleFactor: 1, mobile: false }, sessionId);
    const page = new PlainPage(this, sessionId, async () => {
      if (browserContextId) await this.send('Target.disposeBrowserContext', { browserContextId });
      else await this.send('Target.closeTarget', { targetId });
    });
    await page.goto(url);
    return page;
  }

  async close(): Promise<void> {
    const exited = new Promise((resolve) => this.process.once('exit', resolve));
    await this.send('Browser.close').catch(() => undefined);
    await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 5000))]);
    this.process.kill('SIGKILL');
    rmSync(this.profile, { recursive: true, force: true });
  }
}

/** An element named by its ARIA label, or `{ title }` for a control that only has a title. */
export type Named = string | { title: string };

/** The page expression that finds `named` (inside the element `within`, when given); null when there is none. */
function find(named: Named, within?: Named): string {
  const selector = (name: Named) => JSON.stringify(typeof name === 'string' ? `[aria-label="${quoted(name)}"]` : `[title="${quoted(name.title)}"]`);
  return `__plain.find(${selector(named)}, ${within === undefined ? 'null' : selector(within)})`;
}

/** A string as a CSS attribute value between double quotes. */
function quoted(text: string): string {
  return text.replace(/["\\]/g, '\\$&');
}

/**
 * The page's helpers, defined once per document (from the first evaluation in it on): elements by selector,
 * React-friendly input, and the page's uncaught errors, which listeners collect (no DevTools domain is enabled to
 * report them). `__name`: tsx compiles the benchmarks with esbuild's keepNames, which wraps the named functions inside a
 * function given to `call` in a helper that only exists in Node.
 */
const PAGE_HELPERS = `globalThis.__name ??= (target) => target;
globalThis.__plain ??= (() => {
  const errors = [];
  addEventListener('error', (event) => errors.push(event.message));
  addEventListener('unhandledrejection', (event) => errors.push(String(event.reason?.stack ?? event.reason)));
  return {
    errors,
    find(selector, within) {
      const root = within ? document.querySelector(within) : document;
      return root ? root.querySelector(selector) : null;
    },
    setValue(element, value) {
      const prototype = element instanceof HTMLSelectElement ? HTMLSelectElement.prototype : HTMLInputElement.prototype;
      Object.getOwnPropertyDescriptor(prototype, 'value').set.call(element, value);
      element.dispatchEvent(new Event(element instanceof HTMLSelectElement ? 'change' : 'input', { bubbles: true }));
    },
  };
})();`;

export class PlainPage {
  constructor(
    private readonly browser: PlainChromium,
    private readonly sessionId: string,
    private readonly dispose: () => Promise<void>,
  ) {}

  async goto(url: string): Promise<void> {
    await this.browser.send('Page.navigate', { url }, this.sessionId);
    await this.waitFor('document.readyState === "complete" && location.href !== "about:blank"', 60_000);
  }

  /** One DevTools command to this page's session (for diagnostics: a profiler, a heap snapshot). */
  send(method: string, params: Record<string, unknown> = {}): Promise<Record<string, unknown>> {
    return this.browser.send(method, params, this.sessionId);
  }

  /** Calls `listener` with this page's events named `method`; returns the unsubscribe. */
  on(method: string, listener: (params: Record<string, unknown>) => void): () => void {
    return this.browser.on(method, (params, sessionId) => {
      if (sessionId === this.sessionId) listener(params);
    });
  }

  /** The value of `expression` (awaited when a promise), evaluated in the page. */
  async evaluate<T>(expression: string): Promise<T> {
    const answer = (await this.browser.send('Runtime.evaluate', { expression: `${PAGE_HELPERS}\n${expression}`, awaitPromise: true, returnByValue: true }, this.sessionId)) as unknown as EvaluateAnswer;
    if (answer.exceptionDetails) throw new PlainChromiumError(answer.exceptionDetails.exception?.description ?? answer.exceptionDetails.text);
    return answer.result.value as T;
  }

  /** `run(argument)` in the page (awaited when a promise): `run` is sent as its source, so it may use only its argument, which travels as JSON. */
  call<A, T>(run: (argument: A) => T | Promise<T>, argument: A): Promise<Awaited<T>> {
    return this.evaluate<Awaited<T>>(`(${run.toString()})(${JSON.stringify(argument)})`);
  }

  /** Waits until `expression` is truthy in the page, polling every 100 ms. */
  async waitFor(expression: string, timeoutMs: number): Promise<void> {
    const until = Date.now() + timeoutMs;
    for (;;) {
      if (await this.evaluate<boolean>(`Boolean(${expression})`).catch(() => false)) return;
      if (Date.now() > until) throw new PlainChromiumError(`waited ${timeoutMs / 1000} s for ${expression}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  /** Clicks the element named `named` (inside the element `within`, when given). */
  async click(named: Named, within?: Named): Promise<void> {
    await this.waitFor(find(named, within), 30_000);
    await this.evaluate(`${find(named, within)}.click()`);
  }

  /** Sets the value of the input or select named `named`, as typing or choosing would. */
  async setValue(named: Named, value: string): Promise<void> {
    await this.waitFor(find(named), 30_000);
    await this.evaluate(`__plain.setValue(${find(named)}, ${JSON.stringify(value)})`);
  }

  /** The value of the input or select named `named`. */
  async value(named: Named): Promise<string> {
    await this.waitFor(find(named), 30_000);
    return this.evaluate<string>(`${find(named)}.value`);
  }

  /** Chooses the option whose text is `optionText` in the select named `named`. */
  async chooseOption(named: Named, optionText: string): Promise<void> {
    const option = `[...(${find(named)}?.options ?? [])].find((option) => option.text === ${JSON.stringify(optionText)})`;
    await this.waitFor(option, 30_000);
    await this.evaluate(`__plain.setValue(${find(named)}, ${option}.value)`);
  }

  /** Whether the element named `named` is disabled. */
  isDisabled(named: Named): Promise<boolean> {
    return this.evaluate<boolean>(`Boolean(${find(named)}?.disabled)`);
  }

  /** The text of the element named `named` ('' when there is none). */
  text(named: Named): Promise<string> {
    return this.evaluate<string>(`${find(named)}?.innerText ?? ''`);
  }

  /** The page's uncaught errors and unhandled rejections since the last call (from the first evaluation in the document on). */
  errors(): Promise<string[]> {
    return this.evaluate<string[]>('__plain.errors.splice(0)');
  }

  /** A full collection of the page's JavaScript heap (its main thread's; workers collect on their own): needs `--js-flags=--expose-gc` at launch. */
  async gc(): Promise<void> {
    if (!(await this.evaluate<boolean>('typeof gc === "function" && (gc(), true)'))) throw new PlainChromiumError('gc() is not exposed: launch Chromium with --js-flags=--expose-gc');
  }

  async screenshot(): Promise<Buffer> {
    const { data } = (await this.browser.send('Page.captureScreenshot', { format: 'png' }, this.sessionId)) as { data: string };
    return Buffer.from(data, 'base64');
  }

  close(): Promise<void> {
    return this.dispose();
  }
}
