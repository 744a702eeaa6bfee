import { ProductError } from '../errors.ts';

/** A usage mistake on the command line: printed without a stack trace, exit code 2. */
export class CliError extends ProductError {
  readonly kind = 'usage';
  readonly exitCode: number;
  constructor(message: string, exitCode = 2) {
    super(message);
    this.exitCode = exitCode;
  }
}
