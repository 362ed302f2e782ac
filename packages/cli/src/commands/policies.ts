import { readFileSync } from 'node:fs';
import path from 'node:path';
import { AuroraApiError, type AuroraClient, type PolicyVersion } from '@aurora/sdk';
import { type CommandSpec, type ParsedFlags, parseFlags, stringFlag } from '../args.js';
import { CliError } from '../cli-error.js';
import { callApi, connect, connectionFlags } from '../connection.js';
import { formatTable } from '../table.js';
import { terminalSafe } from '../terminal-text.js';

/** Multi-line text made safe line by line (terminalSafe escapes newlines too). */
const safeLines = (text: string) => text.split('\n').map(terminalSafe).join('\n');

export const policiesCommand: CommandSpec = {
  name: 'policies',
  summary: 'the stored Cedar policies: list, show, put, history, diff, rollback, delete',
  usage: [
    'aurora policies list',
    'aurora policies show ID [--version N]',
    'aurora policies put FILE [--id ID]',
    'aurora policies history ID',
    'aurora policies diff ID [--from N] [--to N]',
    'aurora policies rollback ID VERSION',
    'aurora policies delete ID',
  ].join(' | '),
  flags: {
    ...connectionFlags,
    id: { type: 'string', placeholder: 'id', description: 'put: the document to store into (default: the file name)' },
    version: { type: 'string', placeholder: 'n', description: 'show: this version instead of the latest' },
    from: { type: 'string', placeholder: 'n', description: 'diff: the older version (default: the one before --to)' },
    to: { type: 'string', placeholder: 'n', description: 'diff: the newer version (default: the latest)' },
    json: { type: 'boolean', description: 'print the API answer as JSON' },
  },
  examples: [
    'aurora policies list',
    'aurora policies put oncall.cedar',
    'aurora policies diff oncall',
    'aurora policies rollback oncall 1',
  ],
};

function versionNumber(text: string | undefined, what: string, min = 1): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!Number.isInteger(n) || n < min) {
    throw new CliError(
      `${what} ${text}: not a version number`,
      'versions count from 1; see `aurora policies history ID`',
    );
  }
  return n;
}

/** The document id a file is stored as: its name without `.cedar`. */
function idOfFile(file: string): string {
  return path.basename(file).replace(/\.cedar$/, '');
}

/** Cedar's messages of a refused policy, one per line as FILE:LINE:COLUMN, like a compiler's. */
function throwIfRefused(error: unknown, file: string, id: string): void {
  if (error instanceof AuroraApiError && error.code === 'AURORA_POLICY_INVALID' && error.problem?.errors?.length) {
    const lines = error.problem.errors.map((e) => {
      const place = e.document === id ? file : (e.document ?? file);
      return `${place}${e.line ? `:${e.line}:${e.column}` : ''}: ${e.message}`;
    });
    throw new CliError(`Cedar refused ${file}:\n${lines.map(terminalSafe).join('\n')}`, 'nothing was stored', 1);
  }
}

function history(items: PolicyVersion[]): string {
  return formatTable(
    ['VERSION', 'CHANGE', 'BY', 'AT'],
    items.map((v) => [
      String(v.version),
      v.change === 'rollback' ? `rollback to ${v.fromVersion}` : v.change,
      v.author.name ?? v.author.id ?? v.author.kind ?? '-',
      v.createdAt,
    ]),
  );
}

async function run(client: AuroraClient, verb: string, args: string[], flags: ParsedFlags) {
  const need = (n: number, what: string) => {
    if (args.length !== n) throw new CliError(`aurora policies ${verb} takes ${what}`, policiesCommand.usage);
  };
  switch (verb) {
    case 'list': {
      need(0, 'no arguments');
      const list = await callApi('listing policies', () => client.policies());
      if (flags.json) return list;
      const table = formatTable(
        ['ID', 'VERSION', 'POLICIES', 'CHANGED'],
        list.items.map((d) => [
          d.id,
          String(d.version),
          d.policies.map((p) => `${p.effect} ${p.id}${p.approval ? ' (approval)' : ''}`).join(', ') || '-',
          d.createdAt,
        ]),
      );
      const warning = list.fallback
        ? `\nWARNING: the stored set does not compile, only the admin and self policies are in force:\n${list.fallback.join('\n')}`
        : '';
      return `${table}${warning}`;
    }
    case 'show': {
      need(1, 'one policy id');
      const id = args[0] as string;
      const version = versionNumber(stringFlag(flags, 'version'), '--version');
      const shown =
        version === undefined
          ? await callApi(`showing policy ${id}`, () => client.policy(id))
          : await callApi(`showing policy ${id} version ${version}`, () => client.policyVersion(id, version));
      if (flags.json) return shown;
      if (shown.text === null) return `# ${id} version ${shown.version}: deleted`;
      return `# ${id} version ${shown.version} (${shown.change})\n${safeLines(shown.text)}`;
    }
    case 'put': {
      need(1, 'one file of Cedar policies');
      const file = args[0] as string;
      let text: string;
      try {
        text = readFileSync(file, 'utf8');
      } catch (error) {
        throw new CliError(`${file}: ${(error as Error).message}`);
      }
      const id = stringFlag(flags, 'id') ?? idOfFile(file);
      const stored = await callApi(`storing ${file} as policy ${id}`, () =>
        client.putPolicy(id, text).catch((error: unknown) => {
          throwIfRefused(error, file, id);
          throw error;
        }),
      );
      if (flags.json) return stored;
      return `policy ${id} is at version ${stored.version}: ${stored.policies.map((p) => p.id).join(', ')}`;
    }
    case 'history': {
      need(1, 'one policy id');
      const id = args[0] as string;
      const list = await callApi(`reading the history of policy ${id}`, () => client.policyVersions(id));
      return flags.json ? list : history(list.items);
    }
    case 'diff': {
      need(1, 'one policy id');
      const id = args[0] as string;
      const from = versionNumber(stringFlag(flags, 'from'), '--from', 0);
      const to = versionNumber(stringFlag(flags, 'to'), '--to');
      const diff = await callApi(`diffing policy ${id}`, () =>
        client.policyDiff(id, { ...(from !== undefined ? { from } : {}), ...(to !== undefined ? { to } : {}) }),
      );
      return flags.json ? diff : `# ${id}: version ${diff.from} -> ${diff.to}\n${safeLines(diff.diff)}`;
    }
    case 'rollback': {
      need(2, 'a policy id and the version to go back to');
      const id = args[0] as string;
      const version = versionNumber(args[1], 'version') as number;
      const stored = await callApi(`rolling policy ${id} back to version ${version}`, () =>
        client.rollbackPolicy(id, version),
      );
      return flags.json ? stored : `policy ${id} is at version ${stored.version}, the text of version ${version}`;
    }
    case 'delete': {
      need(1, 'one policy id');
      const id = args[0] as string;
      await callApi(`deleting policy ${id}`, () => client.deletePolicy(id));
      return `policy ${id} is no longer in force; \`aurora policies rollback ${id} N\` brings a version back`;
    }
    default:
      throw new CliError(
        verb ? `unknown verb "${verb}"` : 'what to do with policies?',
        'use list, show, put, history, diff, rollback or delete',
      );
  }
}

/** Manages the stored Cedar policy documents through the API. */
export async function runPolicies(argv: string[], env: NodeJS.ProcessEnv): Promise<string> {
  const { flags, positionals } = parseFlags(policiesCommand, argv);
  const [verb = '', ...args] = positionals;
  const client = connect(flags, env);
  const out = await run(client, verb, args, flags);
  return typeof out === 'string' ? out : JSON.stringify(out, null, 2);
}
