/** A checkpoint that cannot be read or does not hold a usable Aurora encoder; the message names the problem. */
export class CheckpointError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CheckpointError';
  }
}
