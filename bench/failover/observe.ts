import pg from 'pg';
import { type Ack, now } from './load.js';

/** The controllers' lease as stored, and the epoch of the leader's last fenced forecasting write. */
export interface LeaseView {
  holder: string | undefined;
  epoch: number;
  /** Epoch stamped on the last `predictions.refreshed_epoch` write, made in a transaction fenced by that epoch. */
  writtenEpoch: number;
  /** When that write's pass began, by the replica's wall clock (`predictions.refreshed_at`). */
  passStartedAt: number;
}

/** The pid in a replica's holder name (`host:pid:random`). */
export function pidOfHolder(holder: string | undefined): number {
  const parts = holder?.split(':') ?? [];
  return Number(parts[parts.length - 2] ?? 0);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Reads the store directly: what the bench watches during a round and checks after the run. */
export class Observer {
  readonly #client: pg.Client;
  constructor(databaseUrl: string) {
    this.#client = new pg.Client({ connectionString: databaseUrl });
  }

  async connect(): Promise<void> {
    await this.#client.connect();
  }

  async lease(): Promise<LeaseView> {
    const { rows } = await this.#client.query<{
      holder: string | null;
      epoch: string | null;
      written: string | null;
      at: string | null;
    }>(
      `select (select holder from leases where name = 'controllers') as holder,
              (select epoch from leases where name = 'controllers') as epoch,
              (select value from settings where key = 'predictions.refreshed_epoch') as written,
              (select value from settings where key = 'predictions.refreshed_at') as at`,
    );
    const row = rows[0];
    return {
      holder: row?.holder ?? undefined,
      epoch: Number(row?.epoch ?? 0),
      writtenEpoch: Number(row?.written ?? 0),
      passStartedAt: Number(row?.at ?? 0),
    };
  }

  /** Waits until a replica leads and has made a fenced controller write at its epoch. */
  async steady(timeoutMs: number): Promise<LeaseView> {
    const deadline = now() + timeoutMs;
    while (now() < deadline) {
      const view = await this.lease();
      if (view.holder && view.epoch > 0 && view.writtenEpoch === view.epoch) return view;
      await sleep(20);
    }
    throw new Error(`no leader made a fenced controller write within ${timeoutMs} ms`);
  }

  /**
   * Polls every `everyMs` until the lease has an epoch above `before` (leaseAt) and a controller write
   * stamped with such an epoch is stored (writeAt); both are the times the bench first saw them.
   */
  async takeover(
    before: number,
    everyMs: number,
    timeoutMs: number,
  ): Promise<{ leaseAt: number; writeAt: number; passStartedAt: number }> {
    const deadline = now() + timeoutMs;
    let leaseAt = Number.NaN;
    while (now() < deadline) {
      const view = await this.lease();
      const t = now();
      if (Number.isNaN(leaseAt) && view.epoch > before) leaseAt = t;
      if (view.writtenEpoch > before) {
        return { leaseAt: Number.isNaN(leaseAt) ? t : leaseAt, writeAt: t, passStartedAt: view.passStartedAt };
      }
      await sleep(everyMs);
    }
    throw new Error(`no new leader wrote within ${timeoutMs} ms`);
  }

  /** Acknowledged writes whose silence is not stored with the acknowledged id. */
  async lostWrites(runId: string, acks: readonly Ack[]): Promise<Ack[]> {
    const { rows } = await this.#client.query<{ id: string; comment: string }>(
      'select id, comment from silences where comment like $1',
      [`${runId}:%`],
    );
    const stored = new Map(rows.map((r) => [r.comment, r.id]));
    return acks.filter((a) => stored.get(`${runId}:${a.seq}`) !== a.id);
  }

  /**
   * Health transitions recorded twice in a row for one node (the same from and to): a state
   * machine cannot leave a state it is not in, so the second is one decision applied twice.
   */
  async duplicateTransitions(): Promise<{ duplicates: number; suspectDecisions: number; transitions: number }> {
    const { rows } = await this.#client.query<{ node_id: string; from_state: string; to_state: string }>(
      'select node_id, from_state, to_state from node_transitions order by node_id, seq',
    );
    let duplicates = 0;
    let suspectDecisions = 0;
    for (let i = 0; i < rows.length; i++) {
      const r = rows[i]!;
      if (r.to_state === 'suspect') suspectDecisions++;
      const p = rows[i - 1];
      if (p && p.node_id === r.node_id && p.from_state === r.from_state && p.to_state === r.to_state) duplicates++;
    }
    return { duplicates, suspectDecisions, transitions: rows.length };
  }

  async close(): Promise<void> {
    await this.#client.end();
  }
}
