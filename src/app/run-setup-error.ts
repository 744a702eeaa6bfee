// The set-up of a run that cannot run as it stands (no store, no date, a model gone from models/, too
// many times for the app): the message names what to pick or change, and the app shows it as a notice
// with the set-up kept.
import { ProductError } from '../errors.ts';

export class RunSetupError extends ProductError {
  readonly kind = 'run-setup';
}
