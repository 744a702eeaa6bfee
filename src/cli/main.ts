// Entry point of the `latent-explorer` CLI. Each command lives in its own module under
// ./commands and is loaded only when called, so `--help` stays fast and a command's heavy
// dependencies (onnxruntime-node, tfjs) load only for the commands that need them.
import { describeError } from '../describe-error.ts';
import { ProductError } from '../errors.ts';
import { RequestLayer, setDefaultRequestLayer, type RetryNotice } from '../data/request.ts';
import { parseNumber } from './args.ts';
import { CliError } from './errors.ts';

export interface CommandModule {
  /** One line for the command list. */
  summary: string;
  /** Full usage text printed by `latent-explorer COMMAND --help`. */
  usage: string;
  /** Runs the command; returns the process exit code. */
  run(args: string[]): Promise<number>;
}

const commands: Record<string, () => Promise<CommandModule>> = {
  convert: () => import('./commands/convert.ts'),
  'init-model': () => import('./commands/init-model.ts'),
  encode: () => import('./commands/encode.ts'),
  inspect: () => import('./commands/inspect.ts'),
  'build-sample': () => import('./commands/build-sample.ts'),
  pca: () => import('./commands/pca.ts'),
  probe: () => import('./commands/probe.ts'),
  study: () => import('./commands/study.ts'),
  similarity: () => import('./commands/similarity.ts'),
  analogues: () => import('./commands/analogues.ts'),
};

async function loadCommand(name: string): Promise<CommandModule | undefined> {
  const load = Object.hasOwn(commands, name) ? commands[name] : undefined;
  return load ? await load() : undefined;
}

async function printHelp(): Promise<void> {
  const lines = ['Usage: latent-explorer COMMAND [options]', '', 'Commands:'];
  for (const name of Object.keys(commands)) {
    const command = await loadCommand(name);
    if (command) lines.push(`  ${name.padEnd(13)} ${command.summary}`);
  }
  lines.push('', 'Run `latent-explorer COMMAND --help` for the options of one command.', '', GLOBAL_OPTIONS_USAGE);
  process.stdout.write(lines.join('\n') + '\n');
}

/** Options every command takes; main reads them before the command sees its own. */
export const GLOBAL_OPTIONS_USAGE = `Options of every command:
  --timeout SECONDS   how long a request may go without an answer or a byte (default 30); a long
                      chunk also gets its length at 64 KiB/s
  --debug             print the stack of an error as well as its message`;

interface GlobalOptions {
  debug: boolean;
  timeoutSeconds: number | undefined;
}

/** Takes --debug and --timeout out of `args`, wherever they are. */
function takeGlobalOptions(args: string[]): { global: GlobalOptions; rest: string[] } {
  const rest: string[] = [];
  const global: GlobalOptions = { debug: false, timeoutSeconds: undefined };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === '--debug') global.debug = true;
    else if (arg === '--timeout' || arg.startsWith('--timeout=')) {
      const value = arg === '--timeout' ? args[++i] : arg.slice('--timeout='.length);
      if (value === undefined) throw new CliError('--timeout needs a number of seconds');
      const seconds = parseNumber(value, 'timeout');
      if (seconds <= 0) throw new CliError(`--timeout must be more than 0 seconds, got '${value}'`);
      global.timeoutSeconds = seconds;
    } else rest.push(arg);
  }
  return { global, rest };
}

function printRetry({ url, reason, attempt, attempts, delayMs }: RetryNotice): void {
  process.stderr.write(`retrying ${url} after ${reason}: try ${attempt} of ${attempts} in ${(delayMs / 1000).toFixed(1)} s\n`);
}

/** What the person reads when a command fails: the message; the stack only when asked for. */
function failureText(error: unknown, debug: boolean): string {
  if (debug) {
    const lines: string[] = [];
    for (let cause: unknown = error; cause !== undefined; cause = cause instanceof Error ? cause.cause : undefined) {
      lines.push(cause instanceof Error ? (cause.stack ?? cause.message) : String(cause));
      if (!(cause instanceof Error)) break;
    }
    return lines.join('\ncaused by: ');
  }
  const message = describeError(error);
  // A product error names the problem and the fix; anything else is a bug of ours, said as such.
  return error instanceof ProductError ? message : `internal error: ${message} (run again with --debug for the details)`;
}

export async function main(argv: string[]): Promise<number> {
  let parsed: { global: GlobalOptions; rest: string[] };
  try {
    parsed = takeGlobalOptions(argv);
  } catch (error) {
    process.stderr.write(`latent-explorer: ${describeError(error)}\n`);
    return 2;
  }
  const { global } = parsed;
  const [name, ...rest] = parsed.rest;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    await printHelp();
    if (name) return 0;
    process.stderr.write('latent-explorer: no command given; the commands are listed above.\n');
    return 1;
  }
  const command = await loadCommand(name);
  if (!command) {
    process.stderr.write(`latent-explorer: unknown command '${name}'. Run 'latent-explorer --help' for the list.\n`);
    return 2;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    process.stdout.write(`${command.usage.trimEnd()}\n\n${GLOBAL_OPTIONS_USAGE}\n`);
    return 0;
  }
  setDefaultRequestLayer(
    new RequestLayer({ policy: global.timeoutSeconds === undefined ? {} : { timeoutMs: global.timeoutSeconds * 1000 }, onRetry: printRetry }),
  );
  try {
    const code = await command.run(rest);
    if (code !== 0) process.stderr.write(`latent-explorer ${name}: failed (exit code ${code}).\n`);
    return code;
  } catch (error) {
    process.stderr.write(`latent-explorer ${name}: ${failureText(error, global.debug)}\n`);
    return error instanceof CliError ? error.exitCode : 1;
  }
}
