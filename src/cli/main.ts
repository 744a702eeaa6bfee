// Entry point of the `latent-explorer` CLI. Each command lives in its own module under
// ./commands and is loaded only when called, so `--help` stays fast and a command's heavy
// dependencies (onnxruntime-node, tfjs) load only for the commands that need them.
import { describeError } from '../describe-error.ts';
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
  lines.push('', 'Run `latent-explorer COMMAND --help` for the options of one command.');
  process.stdout.write(lines.join('\n') + '\n');
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    await printHelp();
    return name ? 0 : 1;
  }
  const command = await loadCommand(name);
  if (!command) {
    process.stderr.write(`latent-explorer: unknown command '${name}'. Run 'latent-explorer --help' for the list.\n`);
    return 2;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    process.stdout.write(command.usage.trimEnd() + '\n');
    return 0;
  }
  try {
    return await command.run(rest);
  } catch (error) {
    process.stderr.write(`latent-explorer ${name}: ${describeError(error)}\n`);
    return error instanceof CliError ? error.exitCode : 1;
  }
}
