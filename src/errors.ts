// The product's one error family and its one cancellation idiom. Every failure a person can see is a
// ProductError: a kind (for the UI's icon or hint and for tests, never parsed from the message), a
// message that names the thing and the fix (the UI and the CLI show it as it is), and the underlying
// cause kept for the details. This module sits below every layer and imports nothing.

export abstract class ProductError extends Error {
  /** What kind of failure, e.g. 'http-status' or 'cancelled'; each subsystem declares its own. */
  abstract readonly kind: string;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** Work stopped because the person (or a newer request) asked it to: not a failure to report as one. */
export class CancelledError extends ProductError {
  readonly kind = 'cancelled';
  constructor(what = 'The work') {
    super(`${what} was cancelled.`);
  }
}

/** Whether `error` means "cancelled": ours, or the AbortError a fetch or zarrita throws on an aborted signal. */
export function isCancelled(error: unknown): boolean {
  return error instanceof CancelledError || (error instanceof Error && error.name === 'AbortError');
}

/** Throws CancelledError when `signal` has been aborted; call it between chunks, tiles and iterations. */
export function throwIfCancelled(signal: AbortSignal | undefined, what?: string): void {
  if (signal?.aborted) throw new CancelledError(what);
}

/** How long work may run between two looks at the thread's queued messages (cancellationPoint). */
export const MESSAGE_LOOK_INTERVAL_MS = 50;
let lastLook = 0;

/**
 * throwIfCancelled for long work in a worker, at each tile, chunk and solver iteration. A worker hears
 * of a cancel as a message, and a message runs only when the thread is free of work: awaiting a
 * resolved promise (tfjs's data(), a WASM session's run) does not free it. So every
 * MESSAGE_LOOK_INTERVAL_MS this first lets queued messages run (one timer turn), then checks.
 */
export async function cancellationPoint(signal: AbortSignal | undefined, what?: string): Promise<void> {
  throwIfCancelled(signal, what);
  if (!signal) return;
  const now = Date.now();
  if (now - lastLook < MESSAGE_LOOK_INTERVAL_MS) return;
  await new Promise((resolve) => setTimeout(resolve, 0));
  lastLook = Date.now();
  throwIfCancelled(signal, what);
}

/**
 * Runs `work` with `onAbort` called if `signal` aborts meanwhile (e.g. to tell a worker to stop its
 * job), and turns any failure after an abort into CancelledError, so that callers see one kind of
 * "cancelled" whatever the layer below threw.
 */
export async function whileNotCancelled<T>(signal: AbortSignal | undefined, onAbort: () => void, work: () => Promise<T>, what?: string): Promise<T> {
  throwIfCancelled(signal, what);
  signal?.addEventListener('abort', onAbort, { once: true });
  try {
    return await work();
  } catch (error) {
    if (signal?.aborted || isCancelled(error)) throw error instanceof CancelledError ? error : new CancelledError(what);
    throw error;
  } finally {
    signal?.removeEventListener('abort', onAbort);
  }
}
