import { type CommandSpec, parseDuration, parseFlags, stringFlag } from '../args.js';
import { CliError } from '../cli-error.js';
import { callApi, connect, connectionFlags, serverUrl } from '../connection.js';
import { formatTable } from '../table.js';

export const tokenCommand: CommandSpec = {
  name: 'token',
  summary: 'create, list or revoke join tokens for new nodes',
  usage: 'aurora token create [--ttl 24h] [--uses 1] [--description TEXT] | aurora token list | aurora token revoke ID',
  flags: {
    ...connectionFlags,
    ttl: { type: 'string', placeholder: 'duration', description: 'how long the token stays valid (default 24h)' },
    uses: { type: 'string', placeholder: 'n', description: 'how many nodes may join with it (default 1)' },
    description: { type: 'string', placeholder: 'text', description: 'a note shown in `aurora token list`' },
    json: { type: 'boolean', description: 'print the API answer as JSON' },
  },
  examples: ['aurora token create', 'aurora token create --ttl 1h --uses 10', 'aurora token revoke 4f2c...'],
};

export async function runToken(argv: string[], env: NodeJS.ProcessEnv): Promise<string> {
  const { flags, positionals } = parseFlags(tokenCommand, argv);
  const [verb, id] = positionals;
  const client = connect(flags, env);
  if (verb === 'create') {
    const ttl = stringFlag(flags, 'ttl');
    const usesText = stringFlag(flags, 'uses');
    const uses = usesText === undefined ? undefined : Number(usesText);
    if (uses !== undefined && (!Number.isInteger(uses) || uses < 1)) {
      throw new CliError(`--uses ${usesText}: must be a whole number of at least 1`);
    }
    const description = stringFlag(flags, 'description');
    const created = await callApi('creating a join token', () =>
      client.createJoinToken({
        ...(ttl ? { ttlSeconds: Math.round(parseDuration(ttl, 'ttl') / 1000) } : {}),
        ...(uses ? { uses } : {}),
        ...(description ? { description } : {}),
      }),
    );
    if (flags.json) return JSON.stringify(created, null, 2);
    const url = serverUrl(flags, env).replace(/\/+$/, '');
    // Over HTTPS the join command pins the cluster CA, so a new node trusts this control plane and no other.
    const pin = url.startsWith('https:')
      ? ` --ca-hash ${(await callApi('reading the cluster CA', () => client.clusterCa())).fingerprint}`
      : '';
    return [
      created.token,
      '',
      `Valid until ${created.expiresAt} for ${created.usesRemaining} join(s). It is shown only once.`,
      `Join a node with:  aurora agent --server ${url} --token ${created.token}${pin}`,
      ...(isLoopback(url) ? [`(${url} is this machine only: from another machine, use an address it can reach.)`] : []),
    ].join('\n');
  }
  if (verb === 'list') {
    const list = await callApi('listing join tokens', () => client.listJoinTokens());
    if (flags.json) return JSON.stringify(list, null, 2);
    return formatTable(
      ['ID', 'USES LEFT', 'EXPIRES', 'DESCRIPTION'],
      list.items.map((t) => [t.id, String(t.usesRemaining), t.expiresAt, t.description || '-']),
    );
  }
  if (verb === 'revoke') {
    if (!id) throw new CliError('which token?', 'usage: aurora token revoke ID (see `aurora token list`)');
    await callApi(`revoking token ${id}`, () => client.revokeJoinToken(id));
    return `token ${id} revoked`;
  }
  throw new CliError(verb ? `unknown verb "${verb}"` : 'what to do with tokens?', 'use create, list or revoke');
}

/** Whether a URL names this machine only, so a join command printed with it works nowhere else. */
function isLoopback(url: string): boolean {
  try {
    const host = new URL(url).hostname;
    return host === 'localhost' || host === '[::1]' || host.startsWith('127.');
  } catch {
    return false;
  }
}
