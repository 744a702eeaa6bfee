// Headless Chromium driven over its DevTools pipe with no DevTools domain enabled in the page (only the
// browser process's Inspector domain, which keeps nothing and tells of a crash), for the benchmarks that
// measure the browser's memory. Playwright enables DevTools' Network domain in every page and worker it
// attaches to, and that domain keeps a copy of every response body of up to about 10 MB in the renderer
// (up to about 200 MB in all) so that DevTools could show it. A latent store's level, read in ranges of
// 8 MiB, left 16 such copies (171 MiB) in the renderer; the same reads in Chromium driven with no domain
// enabled left none. A researcher's browser has no DevTools attached, so the memory figures come from this
// driver; the app's end-to-end tests keep Playwright.
//
// Only what the benchmarks need: open a page at a viewport size, evaluate an expression, and act on elements
// found by their ARIA label (every control the benchmarks use has one). A page has no console for the driver:
// a benchmark page keeps its progress lines for the driver to read (bench/browser/main.ts).
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
  method?: string;
  sessionId?: string;
}

interface Waiter {
  sessionId?: string;
  resolve: (result: Record<string, unknown>) => void;
  reject: (error: Error) => void;
}

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

  /** A new page (its own browser context, as Playwright's newContext) at `url`, with a viewport of width × height. */
  async newPage(url: string, viewport: { width: number; height: number }): Promise<PlainPage> {
    const { browserContextId } = (await this.send('Target.createBrowserContext')) as { browserContextId: string };
    const { targetId } = (await this.send('Target.createTarget', { url: 'about:blank', browserContextId })) as { targetId: string };
    const { sessionId } = (await this.send('Target.attachToTarget', { targetId, flatten: true })) as { sessionId: string };
    // The Inspector domain lives in the browser process and keeps nothing in the renderer; it tells of a crash.
    await this.send('Inspector.enable', {}, sessionId);
    await this.send('Emulation.setDeviceMetricsOverride', { ...viewport, deviceScaleFactor: 1, mobile: false }, sessionId);
    const page = new PlainPage(this, sessionId, async () => {
      await this.send('Target.disposeBrowserContext', { browserContextId });
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

/** The page's helpers, defined once per document: elements by ARIA label, and React-friendly input. */
const PAGE_HELPERS = `globalThis.__plain ??= {
  byLabel(label, within) {
    const root = within ? document.querySelector('[aria-label="' + CSS.escape(within) + '"]') : document;
    return root ? root.querySelector('[aria-label="' + CSS.escape(label) + '"]') : null;
  },
  setValue(element, value) {
    const prototype = element instanceof HTMLSelectElement ? HTMLSelectElement.prototype : HTMLInputElement.prototype;
    Object.getOwnPropertyDescriptor(prototype, 'value').set.call(element, value);
    element.dispatchEvent(new Event(element instanceof HTMLSelectElement ? 'change' : 'input', { bubbles: true }));
  },
};`;

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

  /** The value of `expression` (awaited when a promise), evaluated in the page. */
  async evaluate<T>(expression: string): Promise<T> {
    const answer = (await this.browser.send('Runtime.evaluate', { expression: `${PAGE_HELPERS}\n${expression}`, awaitPromise: true, returnByValue: true }, this.sessionId)) as unknown as EvaluateAnswer;
    if (answer.exceptionDetails) throw new PlainChromiumError(answer.exceptionDetails.exception?.description ?? answer.exceptionDetails.text);
    return answer.result.value as T;
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

  /** Clicks the element with this ARIA label (inside the element labelled `within`, when given). */
  async click(label: string, within?: string): Promise<void> {
    await this.waitFor(`__plain.byLabel(${JSON.stringify(label)}, ${JSON.stringify(within ?? null)})`, 30_000);
    await this.evaluate(`__plain.byLabel(${JSON.stringify(label)}, ${JSON.stringify(within ?? null)}).click()`);
  }

  /** Sets the value of the input or select with this ARIA label, as typing or choosing would. */
  async setValue(label: string, value: string): Promise<void> {
    await this.waitFor(`__plain.byLabel(${JSON.stringify(label)})`, 30_000);
    await this.evaluate(`__plain.setValue(__plain.byLabel(${JSON.stringify(label)}), ${JSON.stringify(value)})`);
  }

  /** Chooses the option whose text is `optionText` in the select with this ARIA label. */
  async chooseOption(label: string, optionText: string): Promise<void> {
    const select = `__plain.byLabel(${JSON.stringify(label)})`;
    const option = `[...(${select}?.options ?? [])].find((option) => option.text === ${JSON.stringify(optionText)})`;
    await this.waitFor(option, 30_000);
    await this.evaluate(`__plain.setValue(${select}, ${option}.value)`);
  }

  /** Whether the element with this ARIA label is disabled. */
  isDisabled(label: string): Promise<boolean> {
    return this.evaluate<boolean>(`Boolean(__plain.byLabel(${JSON.stringify(label)})?.disabled)`);
  }

  /** The text of the element with this ARIA label ('' when there is none). */
  text(label: string): Promise<string> {
    return this.evaluate<string>(`__plain.byLabel(${JSON.stringify(label)})?.innerText ?? ''`);
  }

  async screenshot(): Promise<Buffer> {
    const { data } = (await this.browser.send('Page.captureScreenshot', { format: 'png' }, this.sessionId)) as { data: string };
    return Buffer.from(data, 'base64');
  }

  close(): Promise<void> {
    return this.dispose();
  }
}
