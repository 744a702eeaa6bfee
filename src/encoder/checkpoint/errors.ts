import { ProductError } from '../../errors.ts';

/** A checkpoint that cannot be read or does not hold a usable Aurora encoder; the message names the problem. */
export class CheckpointError extends ProductError {
  readonly kind = 'checkpoint';
}
