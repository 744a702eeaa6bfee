// Errors that cross a worker boundary keep what the page needs to tell them apart. Comlink sends a
// thrown Error as its message, name and stack only, so a typed error from a worker (a timeout, a damaged
// chunk, a cancel) would reach the page as a bare Error and get a generic notice. Both sides install
// this one transfer handler instead: the kind and the cause's message cross too, and a cancel is a
// CancelledError again on the other side (isCancelled, whileNotCancelled).
import * as Comlink from 'comlink';
import { CancelledError, ProductError } from '../errors.ts';

/** A product error thrown on the other side of a worker boundary: its kind, name and message as they were. */
export class WorkerReportedError extends ProductError {
  readonly kind: string;
  constructor(kind: string, name: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.kind = kind;
    this.name = name;
  }
}

/** What crosses for a thrown value: plain data a structured clone keeps. */
interface SerialisedError {
  message: string;
  name: string;
  stack: string | undefined;
  /** The ProductError's kind; absent for other errors. */
  kind?: string;
  cause?: SerialisedError;
}

/** How deep a chain of causes crosses: the message a person reads names the first, details the next. */
const CAUSES_KEPT = 3;

export function serialiseError(error: Error, depth = 0): SerialisedError {
  const serialised: SerialisedError = { message: error.message, name: error.name, stack: error.stack };
  if (error instanceof ProductError) serialised.kind = error.kind;
  if (error.cause instanceof Error && depth < CAUSES_KEPT) serialised.cause = serialiseError(error.cause, depth + 1);
  return serialised;
}

export function deserialiseError(serialised: SerialisedError): Error {
  const cause = serialised.cause ? deserialiseError(serialised.cause) : undefined;
  let error: Error;
  if (serialised.kind === 'cancelled') {
    error = new CancelledError();
    error.message = serialised.message;
  } else if (serialised.kind !== undefined) error = new WorkerReportedError(serialised.kind, serialised.name, serialised.message, { cause });
  else {
    error = new Error(serialised.message, { cause });
    error.name = serialised.name;
  }
  if (serialised.stack !== undefined) error.stack = serialised.stack;
  return error;
}

type Thrown = { value: unknown };
type WireThrown = { isError: true; value: SerialisedError } | { isError: false; value: unknown };

let installed = false;

/** Installs the handler on this side of a worker boundary (the page and each worker call it once). */
export function installWorkerErrorTransfer(): void {
  if (installed) return;
  const builtIn = Comlink.transferHandlers.get('throw');
  if (!builtIn) throw new Error('Comlink has no handler for thrown values to replace');
  const handler: Comlink.TransferHandler<Thrown, WireThrown> = {
    // Comlink marks a thrown value with a private symbol: its own handler knows it.
    canHandle: (value): value is Thrown => builtIn.canHandle(value),
    serialize: ({ value }) => [value instanceof Error ? { isError: true, value: serialiseError(value) } : { isError: false, value }, []],
    deserialize: (wire) => {
      throw wire.isError ? deserialiseError(wire.value) : wire.value;
    },
  };
  Comlink.transferHandlers.set('throw', handler);
  installed = true;
}
