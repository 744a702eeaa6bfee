// Timing of one interaction in the app, from the input event to the painted frame that shows its result.
// Installed by Playwright before the app's own scripts (page.addInitScript), so it watches the product from the
// outside: it adds nothing to the app. `installInteractionProbe` is serialised into the page and must stay
// self-contained (no imports, no closures over module scope).
//
// An interaction is armed with the input event types that start it and the conditions on the DOM that say its
// result is there (a tooltip with a new title, a changed attribute on both views, a new canvas that has drawn).
// Its time ends at the start of the second animation frame after those conditions hold: the first frame is the
// one that commits the change (with software compositing, Chromium's commit waits for the WebGL canvases' new
// pixels, so that frame ends only once deck.gl's drawing is done), the second one starts after it is painted.

/** What must hold in the DOM for an interaction's result to be on screen. */
export type InteractionCondition =
  /** The text of the first element matching `selector` differs from its text when armed (absent counts as ''). */
  | { kind: 'text-changed'; selector: string }
  /** On every element matching `selector`, `attribute` differs from its value when armed. */
  | { kind: 'attribute-changed'; selector: string; attribute: string }
  /** Every visible canvas inside `selector` has drawn with WebGL (a canvas made by the interaction, once it drew). */
  | { kind: 'canvases-drawn'; selector: string };

export interface InteractionTiming {
  /** Milliseconds from the input event to the DOM change (React's commit, with deck.gl's draw calls in it). */
  toChange: number;
  /** Milliseconds from the input event to the start of the frame after the one that painted the change. */
  toPaint: number;
}

export interface InteractionProbe {
  arm(inputTypes: string[], conditions: InteractionCondition[]): void;
  /** The armed interaction's timing; rejects after `timeoutMs`. */
  result(timeoutMs: number): Promise<InteractionTiming>;
  /** Resolves once `quietMs` pass with no WebGL draw and no frame longer than 50 ms; returns how long it waited. */
  quiet(quietMs: number, timeoutMs: number): Promise<number>;
}

declare global {
  interface Window {
    interactionProbe: InteractionProbe;
  }
}

export function installInteractionProbe(): void {
  type Condition = InteractionCondition;
  const drawnCanvases = new Set<HTMLCanvasElement | OffscreenCanvas>();
  let lastDraw = 0;
  let lastLongFrame = 0;
  const drawing = WebGL2RenderingContext.prototype as unknown as Record<string, (...args: unknown[]) => unknown>;
  for (const name of ['drawArrays', 'drawElements', 'drawArraysInstanced', 'drawElementsInstanced']) {
    const original = drawing[name];
    drawing[name] = function (this: WebGL2RenderingContext, ...args: unknown[]) {
      lastDraw = performance.now();
      drawnCanvases.add(this.canvas);
      armed?.check();
      return original.apply(this, args);
    };
  }
  let previousFrame = 0;
  const watchFrames = (time: number) => {
    if (previousFrame > 0 && time - previousFrame > 50) lastLongFrame = time;
    previousFrame = time;
    requestAnimationFrame(watchFrames);
  };
  requestAnimationFrame(watchFrames);

  interface Armed {
    inputTypes: string[];
    input: number | null;
    baseline: (string | null)[][];
    changed: number | null;
    painted: Promise<InteractionTiming>;
    check(): void;
  }
  let armed: Armed | null = null;

  const read = (condition: Condition): (string | null)[] => {
    if (condition.kind === 'text-changed') return [document.querySelector(condition.selector)?.textContent ?? ''];
    if (condition.kind === 'attribute-changed') return Array.from(document.querySelectorAll(condition.selector), (element) => element.getAttribute(condition.attribute));
    return [];
  };

  window.addEventListener(
    'DOMContentLoaded',
    () => new MutationObserver(() => armed?.check()).observe(document.body, { subtree: true, childList: true, attributes: true, characterData: true }),
  );
  for (const type of ['pointermove', 'pointerdown', 'pointerup', 'click', 'change', 'keydown']) {
    window.addEventListener(
      type,
      (event) => {
        if (armed && armed.input === null && armed.inputTypes.includes(event.type)) armed.input = event.timeStamp;
      },
      { capture: true },
    );
  }

  window.interactionProbe = {
    arm(inputTypes, conditions) {
      const baseline = conditions.map(read);
      let resolvePainted: (timing: InteractionTiming) => void = () => undefined;
      const painted = new Promise<InteractionTiming>((resolve) => (resolvePainted = resolve));
      const state: Armed = {
        inputTypes,
        input: null,
        baseline,
        changed: null,
        painted,
        check() {
          if (state.changed !== null || state.input === null) return;
          const holds = conditions.every((condition, k) => {
            if (condition.kind === 'canvases-drawn') {
              return Array.from(document.querySelectorAll<HTMLCanvasElement>(`${condition.selector} canvas`))
                .filter((canvas) => canvas.checkVisibility({ visibilityProperty: true }))
                .every((canvas) => drawnCanvases.has(canvas));
            }
            const now = read(condition);
            return now.length > 0 && now.every((value, i) => value !== state.baseline[k][i]);
          });
          if (!holds) return;
          const changed = performance.now();
          state.changed = changed;
          const input = state.input;
          requestAnimationFrame(() => requestAnimationFrame(() => resolvePainted({ toChange: changed - input, toPaint: performance.now() - input })));
        },
      };
      armed = state;
    },
    async result(timeoutMs) {
      const current = armed;
      if (!current) throw new Error('no interaction is armed');
      current.check();
      let timer = 0;
      const timeout = new Promise<never>((_, reject) => {
        timer = window.setTimeout(() => reject(new Error(`no result within ${timeoutMs} ms (input seen: ${current.input !== null})`)), timeoutMs);
      });
      try {
        return await Promise.race([current.painted, timeout]);
      } finally {
        window.clearTimeout(timer);
        if (armed === current) armed = null;
      }
    },
    quiet(quietMs, timeoutMs) {
      const start = performance.now();
      return new Promise((resolve) => {
        const poll = () => {
          const now = performance.now();
          if ((now - Math.max(lastDraw, lastLongFrame) >= quietMs) || now - start > timeoutMs) resolve(now - start);
          else window.setTimeout(poll, 50);
        };
        poll();
      });
    },
  };
}
