import { readFileSync } from 'node:fs';
import type { AuditCheckpointList, AuditEntryPage } from '@aurora/sdk';
import { readPublicKey, verifyChain } from '@aurora/server';
import { type CommandSpec, parseFlags, stringFlag } from '../args.js';
import { CliError } from '../cli-error.js';
import { callApi, connect, connectionFlags } from '../connection.js';

export const auditCommand: CommandSpec = {
  name: 'audit',
  summary: 'verify the tamper-evident audit chain, or print the key that signs it',
  usage: 'aurora audit verify [--public-key FILE] [--json] | aurora audit public-key',
  flags: {
    ...connectionFlags,
    'public-key': {
      type: 'string',
      placeholder: 'file',
      description:
        'PEM of the signing key pinned earlier (aurora audit public-key); default: the key the server reports',
    },
    json: { type: 'boolean', description: 'print the verification as JSON' },
  },
  examples: ['aurora audit public-key > audit-key.pem', 'aurora audit verify --public-key audit-key.pem'],
};

const PAGE = 5000;

/**
 * Verifies on this machine, not on the server: entries and checkpoints are
 * fetched and the chain and signatures recomputed here, so a pinned key
 * checks the store without trusting the server's own verdict.
 */
export async function runAudit(argv: string[], env: NodeJS.ProcessEnv): Promise<string> {
  const { flags, positionals } = parseFlags(auditCommand, argv);
  const [verb] = positionals;
  const client = connect(flags, env);
  const checkpoints = await callApi('reading audit checkpoints', () =>
    client.request<AuditCheckpointList>('GET', '/v1/audit/checkpoints'),
  );
  if (verb === 'public-key') return checkpoints.publicKey.trimEnd();
  if (verb !== 'verify') {
    throw new CliError(
      verb ? `unknown verb "${verb}"` : 'what to do with the audit chain?',
      'use verify or public-key',
    );
  }
  const keyFile = stringFlag(flags, 'public-key');
  let keyText = checkpoints.publicKey;
  if (keyFile) {
    try {
      keyText = readFileSync(keyFile, 'utf8');
    } catch (error) {
      throw new CliError(`--public-key ${keyFile}: ${(error as Error).message}`);
    }
  }
  let key: ReturnType<typeof readPublicKey>;
  try {
    key = readPublicKey(keyText);
  } catch {
    throw new CliError(
      `--public-key ${keyFile}: not an Ed25519 public key in PEM`,
      'write one with `aurora audit public-key`',
    );
  }
  const rows: AuditEntryPage['items'] = [];
  let after = 0;
  for (;;) {
    const page = await callApi('reading audit entries', () =>
      client.request<AuditEntryPage>('GET', `/v1/audit?after=${after}&limit=${PAGE}`),
    );
    rows.push(...page.items);
    if (page.next === null) break;
    after = page.next;
  }
  const verdict = verifyChain(rows, checkpoints.items, key);
  const against = keyFile ? `the key pinned in ${keyFile}` : 'the key the server reports (pin it with --public-key)';
  if (flags.json && verdict.intact) return JSON.stringify({ ...verdict, against }, null, 2);
  if (!verdict.intact) {
    const broken = verdict.firstBroken;
    throw new CliError(
      flags.json
        ? JSON.stringify({ ...verdict, against }, null, 2)
        : `audit chain BROKEN at entry ${broken?.seq}: ${broken?.reason}`,
      `checked ${verdict.entries} entries before the break against ${against}`,
      1,
    );
  }
  return [
    `audit chain intact: ${verdict.entries} entries, ${verdict.checkpoints} signed checkpoints, checked against ${against}`,
    verdict.unsignedTail > 0
      ? `${verdict.unsignedTail} newest entries are chained but not yet covered by a checkpoint`
      : 'every entry is covered by a checkpoint',
  ].join('\n');
}
