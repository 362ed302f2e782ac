import { type Db, rowsOf, type Tx } from '../store/engine.js';
import { FencedWriteError } from '../store/node-repo.js';
import type { Leadership } from './leadership.js';

/** One decision of a controller, as the audit chain records it. Values must be JSON (no undefined, NaN). */
export interface ControllerDecision {
  /** What was decided, dotted like other audit kinds: `node.state`, `alert.fired`, `partition.taken`. */
  decision: string;
  /** What it was decided about, by id: `{ node, nodeId }`, `{ alert }`, `{ partition }`. */
  subject: Record<string, string | number | null>;
  /** What explains it: states before and after, reasons, counts. */
  detail?: Record<string, unknown>;
  /** The epoch that fenced this decision when it is not the one of the whole call (each detection partition has its own). */
  epoch?: number;
}

/**
 * Where controllers record their decisions: the audit chain, handed in by the server that builds
 * governance (capabilities do not import each other). `record` writes inside `tx`, the
 * transaction that makes the decision, so a decision is never recorded without being made nor
 * made without being recorded. Call it last in the transaction (after its row locks); with no
 * decisions it writes nothing and costs no round trip.
 */
export interface DecisionLog {
  record(tx: Tx, controller: string, epoch: number, decisions: readonly ControllerDecision[]): Promise<void>;
}

/** For controllers built alone (tests of one capability): decisions are made and not recorded. */
export const unrecordedDecisions: DecisionLog = { record: async () => {} };

/** The audit record of one decision: the controller as actor, the epoch that fenced the write. */
export function decisionRecord(
  controller: string,
  epoch: number,
  d: ControllerDecision,
): { kind: string } & Record<string, unknown> {
  return {
    kind: 'controller.decision',
    actor: { kind: 'controller', id: controller },
    epoch: d.epoch ?? epoch,
    decision: d.decision,
    subject: d.subject,
    ...(d.detail ? { detail: d.detail } : {}),
  };
}

/**
 * One fenced controller transaction whose decisions are recorded in it: the fence first (a deposed
 * leader's write is refused), then `work`, which reports each decision it makes through `decide`
 * (and is given the epoch the fence checked, for rows that carry it), then the record of those decisions, last, so the entries commit with the writes or not at all.
 */
export function decideFenced<T>(
  db: Db,
  leadership: Leadership,
  log: DecisionLog,
  controller: string,
  work: (tx: Tx, decide: (d: ControllerDecision) => void, epoch: number) => Promise<T>,
): Promise<T> {
  return db.transaction(async (tx) => {
    const epoch = leadership.epoch;
    const fence = leadership.fence();
    if (fence && rowsOf(await tx.execute(fence)).length === 0) throw new FencedWriteError();
    const made: ControllerDecision[] = [];
    const result = await work(tx, (d) => made.push(d), epoch);
    await log.record(tx, controller, epoch, made);
    return result;
  });
}
