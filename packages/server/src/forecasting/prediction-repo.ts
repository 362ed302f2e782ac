import type { Prediction, PredictionHitRate } from '@aurora/sdk';
import { and, asc, desc, eq, gte, inArray, isNotNull, ne, type SQL, sql } from 'drizzle-orm';
import type { ControllerDecision, DecisionLog } from '../platform/leadership/index.js';
import { rowsOf, type Tx } from '../platform/store/engine.js';
import { type Db, FencedWriteError } from '../platform/store/index.js';
import { predictions, settings } from '../platform/store/schema.js';
import { type Assessment, PREDICTION_LEVEL } from './assess.js';
import type { PredictionRule } from './rules.js';
import type { SeriesHistory } from './series-reader.js';

type Row = typeof predictions.$inferSelect;

/** Refreshes in a row that no longer expect an open prediction before it is withdrawn. */
export const WITHDRAW_AFTER_MISSES = 3;

/** Where the time of the last finished refresh is kept, so every replica can show it. */
const REFRESHED_KEY = 'predictions.refreshed_at';
/** The leader epoch that wrote it, so a failover can be traced to the new leader's first fenced write. */
const REFRESHED_EPOCH_KEY = 'predictions.refreshed_epoch';

/** One series' outcome of a refresh; `stale` when it stopped reporting. */
export interface Judged {
  series: SeriesHistory;
  assessment: Assessment | { state: 'stale' };
}

/** What one refresh of one rule changed. */
export interface RefreshOutcome {
  opened: number;
  updated: number;
  cameTrue: number;
  withdrawn: number;
  /** Limits reached with no prediction open. */
  unpredicted: number;
}

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
const at = (base: number, offset: number | undefined) => (offset === undefined ? null : Math.round(base + offset));

/**
 * Applies one rule's refresh to the stored predictions in one transaction fenced by the leader's
 * epoch: opens what is newly expected, updates what still is, closes as came-true what reached
 * its limit while open, and withdraws what is no longer expected (after a few refreshes, so a
 * forecast hovering at the edge does not open and close every minute), what stopped reporting and
 * what is no longer matched at all.
 */
export async function applyRefresh(
  db: Db,
  o: {
    rule: PredictionRule;
    judged: Judged[];
    now: number;
    epoch: number;
    fence: SQL | undefined;
    /** The audit chain, where predictions opened, come true and withdrawn are recorded in this transaction. */
    decisions?: { log: DecisionLog; controller: string };
  },
): Promise<RefreshOutcome> {
  const { rule, now, epoch } = o;
  // Opening and closing are decisions; an update of a prediction still open (every refresh) is not.
  const made: ControllerDecision[] = [];
  const decided = (decision: string, row: Pick<Row, 'id' | 'key' | 'node'>, detail: Record<string, unknown>) =>
    made.push({
      decision,
      subject: { prediction: row.id, node: row.node },
      detail: { rule: rule.name, kind: rule.kind, series: row.key, ...detail },
    });
  return db.transaction(async (tx) => {
    if (o.fence && rowsOf(await tx.execute(o.fence)).length === 0) throw new FencedWriteError();
    const open = await tx
      .select()
      .from(predictions)
      .where(and(eq(predictions.rule, rule.name), eq(predictions.status, 'open')))
      .for('update');
    const byKey = new Map(open.map((r) => [r.key, r]));
    const out: RefreshOutcome = { opened: 0, updated: 0, cameTrue: 0, withdrawn: 0, unpredicted: 0 };
    const close = async (row: Row, status: 'came-true' | 'withdrawn', reason: string, set: Partial<Row> = {}) => {
      await tx
        .update(predictions)
        .set({ ...set, status, reason, closedAt: now, updatedAt: now, epoch })
        .where(eq(predictions.id, row.id));
      if (status === 'came-true') out.cameTrue++;
      else out.withdrawn++;
      decided(`prediction.${status}`, row, { reason });
    };
    for (const { series, assessment: a } of o.judged) {
      const row = byKey.get(series.key);
      byKey.delete(series.key);
      if (a.state === 'insufficient') continue;
      if (!row) {
        if (a.state === 'reached') {
          const missed = await recordUnpredicted(tx, rule, series, a, now, epoch);
          if (missed) {
            out.unpredicted++;
            decided('prediction.unpredicted', missed, { message: a.message });
          }
          continue;
        }
        if (a.state !== 'expected') continue;
        const expectedAt = at(series.lastTs, a.expectedMs);
        const earliestAt = at(series.lastTs, a.earliestMs);
        const latestAt = at(series.lastTs, a.latestMs);
        const [inserted] = await tx
          .insert(predictions)
          .values({
            ...newRow(rule, series, a, now, epoch),
            status: 'open',
            expectedAt,
            earliestAt,
            latestAt,
            firstExpectedAt: expectedAt,
            firstEarliestAt: earliestAt,
            firstLatestAt: latestAt,
          })
          .returning(ROW_REF);
        out.opened++;
        if (inserted) decided('prediction.opened', inserted, { message: a.message, expectedAt: iso(expectedAt) });
        continue;
      }
      if (a.state === 'stale') {
        await close(row, 'withdrawn', `no data since ${new Date(series.lastTs).toISOString()}`);
      } else if (a.state === 'reached') {
        // The interval given when the prediction was opened is what an operator planned on; it is
        // compared with when the data got there, not with when this refresh noticed.
        const reachedAt = series.lastTs - a.stepsAgo * series.stepMs;
        const within =
          row.firstEarliestAt === null
            ? null
            : row.firstEarliestAt <= reachedAt + series.stepMs && (row.firstLatestAt ?? Infinity) >= reachedAt;
        await close(row, 'came-true', a.message, {
          current: a.current,
          withinFirstInterval: within,
          message: a.message,
        });
      } else if (a.state === 'expected') {
        await tx
          .update(predictions)
          .set({
            message: a.message,
            updatedAt: now,
            expectedAt: at(series.lastTs, a.expectedMs),
            earliestAt: at(series.lastTs, a.earliestMs),
            latestAt: at(series.lastTs, a.latestMs),
            current: a.current,
            trendPerHour: a.trendPerHour,
            misses: 0,
            epoch,
          })
          .where(eq(predictions.id, row.id));
        out.updated++;
      } else if (row.misses + 1 >= WITHDRAW_AFTER_MISSES) {
        await close(row, 'withdrawn', `no longer expected: ${a.message}`, { current: a.current });
      } else {
        await tx
          .update(predictions)
          .set({ misses: row.misses + 1, updatedAt: now, current: a.current, epoch })
          .where(eq(predictions.id, row.id));
        out.updated++;
      }
    }
    // Open predictions whose series no query matched any more: a deleted node, or data past retention.
    for (const row of byKey.values()) await close(row, 'withdrawn', 'series no longer reported');
    if (o.decisions) await o.decisions.log.record(tx, o.decisions.controller, epoch, made);
    return out;
  });
}

/**
 * Records a limit reached with no prediction open, once per time the series gets there: not when
 * a row of the series already closed (came true or missed) since it reached the limit, and not
 * when it was at the limit from its first point, as nothing could have predicted that. Returns the
 * row when one was written.
 */
async function recordUnpredicted(
  tx: Tx,
  rule: PredictionRule,
  series: SeriesHistory,
  a: Extract<Assessment, { state: 'reached' }>,
  now: number,
  epoch: number,
): Promise<Pick<Row, 'id' | 'key' | 'node'> | undefined> {
  if (a.stepsAgo >= series.values.length - 1) return undefined;
  const reachedAt = series.lastTs - a.stepsAgo * series.stepMs;
  const known = await tx
    .select({ id: predictions.id })
    .from(predictions)
    .where(
      and(
        eq(predictions.key, series.key),
        inArray(predictions.status, ['came-true', 'unpredicted']),
        gte(predictions.closedAt, reachedAt),
      ),
    )
    .limit(1);
  if (known.length > 0) return undefined;
  const [row] = await tx
    .insert(predictions)
    .values({
      ...newRow(rule, series, a, now, epoch),
      status: 'unpredicted',
      reason: 'reached its limit with no prediction open',
      closedAt: now,
      expectedAt: null,
      earliestAt: null,
      latestAt: null,
      firstExpectedAt: null,
      firstEarliestAt: null,
      firstLatestAt: null,
    })
    .returning(ROW_REF);
  return row;
}

/** What a decision names of a row written here. */
const ROW_REF = { id: predictions.id, key: predictions.key, node: predictions.node };

/** The columns a new row takes from its rule, its series and the assessment, whatever its status. */
function newRow(
  rule: PredictionRule,
  series: SeriesHistory,
  a: Extract<Assessment, { state: 'expected' | 'reached' }>,
  now: number,
  epoch: number,
) {
  return {
    key: series.key,
    rule: rule.name,
    kind: rule.kind,
    seriesName: series.name,
    labels: series.labels,
    node: series.labels.node ?? series.labels.instance ?? null,
    subject: rule.subject(series.labels),
    message: a.message,
    openedAt: now,
    updatedAt: now,
    level: PREDICTION_LEVEL,
    current: a.current,
    limitValue: Number.isFinite(a.limit) ? a.limit : null,
    trendPerHour: a.trendPerHour,
    misses: 0,
    epoch,
  };
}

/** Records the time a refresh finished (fenced like the predictions). */
export async function markRefreshed(db: Db, now: number, epoch: number, fence: SQL | undefined): Promise<void> {
  await db.transaction(async (tx) => {
    if (fence && rowsOf(await tx.execute(fence)).length === 0) throw new FencedWriteError();
    for (const [key, value] of [
      [REFRESHED_KEY, String(now)],
      [REFRESHED_EPOCH_KEY, String(epoch)],
    ] as const) {
      await tx.insert(settings).values({ key, value }).onConflictDoUpdate({ target: settings.key, set: { value } });
    }
  });
}

export async function refreshedAt(db: Db): Promise<number | null> {
  const rows = await db.select().from(settings).where(eq(settings.key, REFRESHED_KEY));
  return rows[0] ? Number(rows[0].value) : null;
}

/** The API's view of a row. */
export function toPrediction(r: Row): Prediction {
  return {
    id: r.id,
    kind: r.kind as Prediction['kind'],
    rule: r.rule,
    series: { name: r.seriesName, labels: r.labels },
    node: r.node,
    subject: r.subject,
    message: r.message,
    status: r.status as Prediction['status'],
    reason: r.reason,
    openedAt: iso(r.openedAt)!,
    updatedAt: iso(r.updatedAt)!,
    closedAt: iso(r.closedAt),
    expectedAt: iso(r.expectedAt),
    earliestAt: iso(r.earliestAt),
    latestAt: iso(r.latestAt),
    firstExpectedAt: iso(r.firstExpectedAt),
    withinFirstInterval: r.withinFirstInterval,
    level: r.level,
    current: r.current,
    limit: r.limitValue,
    trendPerHour: r.trendPerHour,
  };
}

/** Open predictions soonest first (those without a time last), or closed ones newest first. */
export async function listPredictions(
  db: Db,
  q: { status: 'open' | 'closed' | 'all'; node?: string | undefined; limit: number },
): Promise<Prediction[]> {
  const filters: SQL[] = [];
  if (q.status === 'open') filters.push(eq(predictions.status, 'open'));
  if (q.status === 'closed') filters.push(ne(predictions.status, 'open'));
  if (q.node !== undefined) filters.push(eq(predictions.node, q.node));
  const rows = await db
    .select()
    .from(predictions)
    .where(filters.length ? and(...filters) : undefined)
    .orderBy(
      sql`case when ${predictions.status} = 'open' then 0 else 1 end`,
      sql`${predictions.expectedAt} asc nulls last`,
      desc(predictions.closedAt),
      asc(predictions.id),
    )
    .limit(q.limit);
  return rows.map(toPrediction);
}

/** How often closed predictions came true, and how many limits reached had one open, in total and by kind. */
export async function hitRate(db: Db): Promise<PredictionHitRate> {
  const rows = await db
    .select({
      kind: predictions.kind,
      status: predictions.status,
      n: sql<number>`count(*)::int`,
      within: sql<number>`count(*) filter (where ${predictions.withinFirstInterval})::int`,
    })
    .from(predictions)
    .where(and(inArray(predictions.status, ['came-true', 'withdrawn', 'unpredicted']), isNotNull(predictions.closedAt)))
    .groupBy(predictions.kind, predictions.status);
  const byKind: PredictionHitRate['byKind'] = {};
  let cameTrue = 0;
  let withdrawn = 0;
  let unpredicted = 0;
  let within = 0;
  for (const r of rows) {
    byKind[r.kind] ??= { closed: 0, cameTrue: 0, hitRate: null, unpredicted: 0, recall: null };
    const k = byKind[r.kind]!;
    const n = Number(r.n);
    if (r.status === 'unpredicted') {
      k.unpredicted += n;
      unpredicted += n;
      continue;
    }
    k.closed += n;
    if (r.status === 'came-true') {
      k.cameTrue += n;
      cameTrue += n;
      within += Number(r.within);
    } else withdrawn += n;
  }
  const ratio = (part: number, whole: number) => (whole ? part / whole : null);
  for (const k of Object.values(byKind)) {
    k.hitRate = ratio(k.cameTrue, k.closed);
    k.recall = ratio(k.cameTrue, k.cameTrue + k.unpredicted);
  }
  const closed = cameTrue + withdrawn;
  return {
    closed,
    cameTrue,
    withdrawn,
    hitRate: ratio(cameTrue, closed),
    unpredicted,
    recall: ratio(cameTrue, cameTrue + unpredicted),
    withinFirstInterval: ratio(within, cameTrue),
    byKind,
  };
}
