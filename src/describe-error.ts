/** The message a person reads for any thrown value: typed errors already say what is wrong and what to do. */
export function describeError(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}
