// What every long probe computation accepts: a way to cancel it and a way to report progress.
import { ProductError } from '../errors.ts';

/** Cancellation and progress for one computation; both optional. */
export interface JobControl {
  /** Checked between chunks and iterations; when aborted the computation throws CancelledError (src/errors.ts). */
  signal?: AbortSignal;
  /** Called with the fraction done (0..1) and a short description of the current stage. */
  onProgress?: (fraction: number, stage: string) => void;
}

/** Bad input to a probe computation (shapes, labels, options); the message says what to fix. */
export class ProbeInputError extends ProductError {
  readonly kind = 'probe-input';
}
