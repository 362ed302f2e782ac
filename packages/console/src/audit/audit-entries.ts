/**
 * Audit entries as the console lists them: who did what, and how it ended,
 * read from each entry's canonical JSON; and the newest entries, found from
 * the last signed checkpoint so the page never reads the whole chain.
 */
import type { AuditEntry, AuroraClient } from '@aurora/sdk';

/** One row of the audit table. */
export interface AuditRow {
  seq: number;
  at: string;
  kind: string;
  who: string;
  what: string;
  outcome: string;
  /** The entry's canonical JSON, shown on request. */
  text: string;
}

type Json = Record<string, unknown>;

const str = (value: unknown): string | undefined => (typeof value === 'string' && value ? value : undefined);

/**
 * User names by id. The trail names people by their id only (a pseudonym, so an erased user leaves
 * nothing that leads to them); the console shows the name of a user that still exists.
 */
export type UserNames = ReadonlyMap<string, string>;
const NO_NAMES: UserNames = new Map();

function userLabel(id: unknown, names: UserNames): string | undefined {
  const key = str(id);
  return key === undefined ? undefined : (names.get(key) ?? key);
}

/** Who an actor recorded in the trail (or as a policy version's author) is, by name where one is known. */
export function actorName(actor: unknown, names: UserNames = NO_NAMES): string {
  if (!actor || typeof actor !== 'object') return 'unknown';
  const a = actor as Json;
  if (a.kind === 'anonymous') return 'anonymous';
  const label = str(a.name) ?? (a.kind === 'user' ? userLabel(a.id, names) : str(a.id)) ?? 'unknown';
  return a.kind === 'user' || a.kind === 'admin' || !str(a.kind) ? label : `${label} (${a.kind})`;
}

function params(value: unknown): string {
  if (!value || typeof value !== 'object') return '';
  const list = Object.values(value as Json).filter((v) => typeof v === 'string');
  return list.length ? ` ${list.join(' ')}` : '';
}

/** Who, what and how, for the kinds the control plane writes; any other kind still shows its name. */
export function describeEntry(item: AuditEntry, names: UserNames = NO_NAMES): AuditRow {
  let e: Json;
  try {
    e = JSON.parse(item.entry) as Json;
  } catch {
    return { seq: item.seq, at: '', kind: 'unreadable', who: '—', what: '—', outcome: '—', text: item.entry };
  }
  const base = { seq: item.seq, at: str(e.at) ?? '', kind: str(e.kind) ?? 'unknown', text: item.entry };
  const status = typeof e.status === 'number' ? ` (${e.status})` : '';
  switch (e.kind) {
    case 'request':
      return {
        ...base,
        who: actorName(e.actor, names),
        what: `${str(e.action) ?? `${e.method} ${e.route}`}${params(e.params)}`,
        outcome: `${str(e.outcome) ?? '—'}${status}`,
      };
    case 'login':
      return {
        ...base,
        who: userLabel(e.userId, names) ?? str(e.name) ?? '—',
        what: 'login',
        outcome: str(e.outcome) ?? '—',
      };
    case 'auth.failed':
      return {
        ...base,
        who: `unauthenticated from ${str(e.sourceIp) ?? 'unknown address'}`,
        what: `${e.method} ${e.route}`,
        outcome: `refused${status}`,
      };
    default:
      return { ...base, who: str(e.by) ?? str(e.account) ?? '—', what: base.kind, outcome: '—' };
  }
}

/** Entries with seq below `beforeSeq`, at most `size` of them, oldest first. Seqs have no gaps. */
export async function entriesBefore(client: AuroraClient, beforeSeq: number, size: number): Promise<AuditEntry[]> {
  const after = Math.max(0, beforeSeq - 1 - size);
  const page = await client.auditEntries({ after, limit: Math.min(size, beforeSeq - 1 - after) || 1 });
  return page.items.filter((i) => i.seq < beforeSeq);
}

/**
 * The newest `size` entries, oldest first: those after the last checkpoint (at most a
 * checkpoint's worth, 1,000 by default), topped up with older ones when there are fewer.
 */
export async function newestEntries(client: AuroraClient, size: number): Promise<AuditEntry[]> {
  const { items: checkpoints } = await client.auditCheckpoints();
  let after = checkpoints.at(-1)?.seq ?? 0;
  let tail: AuditEntry[] = [];
  for (;;) {
    const page = await client.auditEntries({ after, limit: 5_000 });
    tail = [...tail, ...page.items].slice(-size);
    if (page.next === null) break;
    after = page.next;
  }
  const first = tail[0]?.seq ?? after + 1;
  if (tail.length >= size || first <= 1) return tail;
  return [...(await entriesBefore(client, first, size - tail.length)), ...tail];
}
