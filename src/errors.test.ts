import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { cancellationPoint, CancelledError, isCancelled, MESSAGE_LOOK_INTERVAL_MS, ProductError, throwIfCancelled, whileNotCancelled } from './errors.ts';

class ExampleError extends ProductError {
  readonly kind = 'example';
}

describe('the error family', () => {
  it('names each error after its class and keeps the cause', () => {
    const cause = new Error('socket closed');
    const error = new ExampleError('the store answered nothing', { cause });
    expect(error.name).toBe('ExampleError');
    expect(error.kind).toBe('example');
    expect(error.cause).toBe(cause);
    expect(error).toBeInstanceOf(ProductError);
  });

  it('treats a fetch AbortError as a cancellation, other errors not', () => {
    const abort = new DOMException('The operation was aborted.', 'AbortError');
    expect(isCancelled(abort)).toBe(true);
    expect(isCancelled(new CancelledError())).toBe(true);
    expect(isCancelled(new Error('boom'))).toBe(false);
  });

  it('throws CancelledError only once the signal is aborted', () => {
    const controller = new AbortController();
    expect(() => throwIfCancelled(controller.signal)).not.toThrow();
    controller.abort();
    expect(() => throwIfCancelled(controller.signal, 'The encode')).toThrow('The encode was cancelled.');
  });
});

describe('whileNotCancelled', () => {
  it('calls onAbort once and turns the failure that follows into CancelledError', async () => {
    const controller = new AbortController();
    let aborts = 0;
    const work = whileNotCancelled(controller.signal, () => aborts++, () => new Promise<never>((_, reject) => setTimeout(() => reject(new Error('worker said: job stopped')), 5)));
    controller.abort();
    await expect(work).rejects.toBeInstanceOf(CancelledError);
    expect(aborts).toBe(1);
  });

  it('passes results and other failures through, and stops listening afterwards', async () => {
    const controller = new AbortController();
    let aborts = 0;
    await expect(whileNotCancelled(controller.signal, () => aborts++, async () => 42)).resolves.toBe(42);
    await expect(whileNotCancelled(controller.signal, () => aborts++, async () => Promise.reject(new ExampleError('bad chunk')))).rejects.toBeInstanceOf(ExampleError);
    controller.abort();
    expect(aborts).toBe(0);
  });
});

/**
 * A clock that moves only while work holds the thread: `hold(ms)` is a WASM session's run or a tight loop, during
 * which no message, timer or event runs, and Date.now() (which cancellationPoint reads) is `ms` later after it. What
 * the tests check is then counted in steps, whatever the machine's speed or load.
 */
function threadClock(): { hold(ms: number): void; restore(): void } {
  // Ahead of the real clock by one interval, so that the first look is due at once.
  let now = Date.now() + MESSAGE_LOOK_INTERVAL_MS;
  const clock = vi.spyOn(Date, 'now').mockImplementation(() => now);
  return {
    hold: (ms) => {
      now += ms;
    },
    restore: () => clock.mockRestore(),
  };
}

describe('cancellationPoint', () => {
  it('sees a cancel that arrives as a task while work holds the thread, within one look interval', async () => {
    const thread = threadClock();
    const controller = new AbortController();
    const stepMs = 10;
    const queuedAtStep = 2;
    let abortedAtStep: number | null = null;
    let step = 0;
    const work = (async () => {
      for (; step < 100; step++) {
        thread.hold(stepMs);
        // The cancel comes as a task (a worker's message is one), queued during step 2.
        if (step === queuedAtStep) {
          setTimeout(() => {
            controller.abort();
            abortedAtStep = step;
          }, 0);
        }
        await cancellationPoint(controller.signal);
      }
    })();
    try {
      await expect(work).rejects.toBeInstanceOf(CancelledError);
    } finally {
      thread.restore();
    }
    // Awaiting promises alone would have run all 100 steps first (the task needs a free thread).
    expect(abortedAtStep).not.toBeNull();
    expect(step).toBeLessThan(100);
    // The work stops at the step whose look let the cancel run, and that look came within one interval of it.
    expect(step).toBe(abortedAtStep);
    expect((abortedAtStep ?? 0) - queuedAtStep).toBeLessThanOrEqual(MESSAGE_LOOK_INTERVAL_MS / stepMs);
  });

  it('checks at once when the signal is already aborted, and costs nothing without a signal', async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(cancellationPoint(controller.signal, 'The fit')).rejects.toThrow('The fit was cancelled.');
    await expect(cancellationPoint(undefined)).resolves.toBeUndefined();
  });
});

describe('one error family', () => {
  const src = new URL('.', import.meta.url).pathname;
  const sourceFiles = (folder: string): string[] =>
    readdirSync(folder, { withFileTypes: true }).flatMap((entry) =>
      entry.isDirectory() ? sourceFiles(join(folder, entry.name)) : /\.tsx?$/.test(entry.name) && !/\.test\.tsx?$/.test(entry.name) ? [join(folder, entry.name)] : [],
    );

  it('has no error class outside it: every class a person can see extends ProductError (or a subsystem base) with a kind', () => {
    const adHoc = sourceFiles(src).filter((file) => !file.endsWith('/src/errors.ts') && /class \w+ extends Error\b/.test(readFileSync(file, 'utf8')));
    expect(adHoc.map((file) => file.slice(src.length))).toEqual([]);
  });

  it('has the app and its views throw product errors only, but for broken invariants marked internal', () => {
    const plain = /new (?:Error|TypeError|RangeError)\((?!\s*[`'"]internal: )/;
    const offenders = [join(src, 'app'), join(src, 'views')].flatMap(sourceFiles).filter((file) => plain.test(readFileSync(file, 'utf8')));
    expect(offenders.map((file) => file.slice(src.length))).toEqual([]);
  });
});
