// The CLI run in the test's own process (fast: no Node start-up, the command's modules loaded once),
// what it writes to stdout and stderr captured.
import { vi } from 'vitest';
import { main } from '../main.ts';

export interface CliOutcome {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `latent-explorer ARGS` in this process; returns its exit code and what it printed. */
export async function cliInProcess(args: string[]): Promise<CliOutcome> {
  const out: string[] = [];
  const err: string[] = [];
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => out.push(String(chunk)) > 0);
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => err.push(String(chunk)) > 0);
  try {
    const code = await main(args);
    return { code, stdout: out.join(''), stderr: err.join('') };
  } finally {
    vi.restoreAllMocks();
  }
}
