#!/usr/bin/env node
/**
 * The `aurora` command. Each verb lives in commands/; this file only dispatches
 * and turns {@link CliError}s into one readable line and an exit code.
 */
import { formatHelp } from './args.js';
import { CliError } from './cli-error.js';
import { commands } from './commands/index.js';

const VERSION = '0.1.0';

function usage(): string {
  const width = Math.max(...commands.map((c) => c.spec.name.length)) + 2;
  return [
    'aurora: a control plane for fleets of machines',
    '',
    'Usage: aurora <command> [flags]',
    '',
    'Commands:',
    ...commands.map((c) => `  ${c.spec.name.padEnd(width)}${c.spec.summary}`),
    '',
    'Run `aurora <command> --help` for the flags of each.',
  ].join('\n');
}

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(`${usage()}\n`);
    return name ? 0 : 2;
  }
  if (name === '--version' || name === 'version') {
    process.stdout.write(`${VERSION}\n`);
    return 0;
  }
  const command = commands.find((c) => c.spec.name === name);
  if (!command) {
    process.stderr.write(`aurora: unknown command "${name}"\n\n${usage()}\n`);
    return 2;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    process.stdout.write(`${formatHelp(command.spec)}\n`);
    return 0;
  }
  try {
    const output = await command.run(rest, process.env);
    if (output) process.stdout.write(`${output}\n`);
    return 0;
  } catch (error) {
    if (error instanceof CliError) {
      process.stderr.write(`aurora ${name}: ${error.message}\n${error.hint ? `  hint: ${error.hint}\n` : ''}`);
      return error.exitCode;
    }
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(`aurora ${name}: ${message}\n`);
    return 1;
  }
}

process.exitCode = await main(process.argv.slice(2));
