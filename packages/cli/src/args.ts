import { type ParseArgsConfig, parseArgs } from 'node:util';
import { DurationSyntaxError, parseDuration as parseCoreDuration } from '@aurora/core';
import { CliError } from './cli-error.js';

/** One flag of a command, with the text `--help` prints for it. */
export interface FlagSpec {
  type: 'string' | 'boolean';
  short?: string;
  multiple?: boolean;
  placeholder?: string;
  description: string;
}

export type FlagSpecs = Record<string, FlagSpec>;

/** Everything a sub-command needs to parse its flags and print its help. */
export interface CommandSpec {
  name: string;
  summary: string;
  usage: string;
  flags: FlagSpecs;
  examples?: string[];
}

export type ParsedFlags = Record<string, string | boolean | string[] | undefined>;

/** Parses argv for one command; unknown flags are errors that name the command's help. */
export function parseFlags(spec: CommandSpec, argv: string[]): { flags: ParsedFlags; positionals: string[] } {
  const options: NonNullable<ParseArgsConfig['options']> = { help: { type: 'boolean', short: 'h' } };
  for (const [name, flag] of Object.entries(spec.flags)) {
    options[name] = { type: flag.type, ...(flag.short ? { short: flag.short } : {}), multiple: flag.multiple ?? false };
  }
  try {
    const { values, positionals } = parseArgs({ args: argv, options, allowPositionals: true, strict: true });
    return { flags: values as ParsedFlags, positionals };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new CliError(message, `run \`aurora ${spec.name} --help\` for the flags it takes`);
  }
}

/** The `--help` text of one command. */
export function formatHelp(spec: CommandSpec): string {
  const lines = [`aurora ${spec.name}: ${spec.summary}`, '', `Usage: ${spec.usage}`, '', 'Flags:'];
  const rows = Object.entries(spec.flags).map(([name, flag]) => {
    const short = flag.short ? `-${flag.short}, ` : '';
    const value = flag.type === 'string' ? ` <${flag.placeholder ?? 'value'}>` : '';
    return [`  ${short}--${name}${value}`, flag.description] as const;
  });
  rows.push(['  -h, --help', 'show this help']);
  const width = Math.max(...rows.map(([left]) => left.length)) + 2;
  for (const [left, right] of rows) lines.push(left.padEnd(width) + right);
  if (spec.examples?.length) lines.push('', 'Examples:', ...spec.examples.map((e) => `  ${e}`));
  return lines.join('\n');
}

/** Reads a string flag, or undefined. */
export function stringFlag(flags: ParsedFlags, name: string): string | undefined {
  const value = flags[name];
  return typeof value === 'string' ? value : undefined;
}

/** Parses `key=value` pairs from a repeatable flag such as `--label role=db`. */
export function keyValueFlag(flags: ParsedFlags, name: string): Record<string, string> {
  const raw = flags[name];
  const items = Array.isArray(raw) ? raw : typeof raw === 'string' ? [raw] : [];
  const out: Record<string, string> = {};
  for (const item of items) {
    const eq = item.indexOf('=');
    if (eq <= 0) throw new CliError(`--${name} ${item}: expected key=value`, `for example --${name} role=db`);
    out[item.slice(0, eq)] = item.slice(eq + 1);
  }
  return out;
}

/** Parses a duration flag such as `--ttl 24h` with core's one grammar, naming the flag when it is not one. */
export function parseDuration(text: string, flagName: string): number {
  try {
    return parseCoreDuration(text);
  } catch (error) {
    if (!(error instanceof DurationSyntaxError)) throw error;
    throw new CliError(`--${flagName}: ${error.message}`);
  }
}
