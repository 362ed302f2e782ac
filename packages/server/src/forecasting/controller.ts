import { setImmediate as yieldToLoop } from 'node:timers/promises';
import type { Controller, DecisionLog, Leadership } from '../platform/leadership/index.js';
import type { Db } from '../platform/store/index.js';
import type { QueryEngine } from '../telemetry/index.js';
import { assess } from './assess.js';
import { applyRefresh, type Judged, markRefreshed, type RefreshOutcome } from './prediction-repo.js';
import type { PredictionRule } from './rules.js';
import { labelsText, readCapacities, readRuleSeries } from './series-reader.js';

/** A series silent for this long has stopped reporting: its open prediction is withdrawn. */
export const STALE_AFTER_MS = 15 * 60_000;

/** Options of the {@link PredictionController}. */
export interface PredictionControllerOptions {
  db: Db;
  query: QueryEngine;
  leadership: Leadership;
  /** The audit chain, where predictions opened, come true and withdrawn are recorded (default: not recorded). */
  decisions?: DecisionLog;
  now: () => number;
  rules: readonly PredictionRule[];
  intervalMs: number;
  /** Told after each refresh what changed and how long the forecasts took. */
  onRefresh?: (outcome: RefreshOutcome & { series: number; seconds: number }) => void;
}

/**
 * Refreshes predictions on the leader: for every rule (built-in disks, memory and CPU, and the
 * `capacities` of aurora.yaml) it reads each matched series' last week through the query engine,
 * judges it with core's forecasters against its capacity, and applies the result to the stored
 * predictions in a transaction fenced by the leader's epoch. Forecasts are CPU work on the main
 * thread, so the pass yields to the event loop between series to keep the API answering.
 */
export class PredictionController implements Controller {
  readonly name = 'predictions';
  readonly intervalMs: number;

  constructor(private readonly o: PredictionControllerOptions) {
    this.intervalMs = o.intervalMs;
  }

  async runOnce(): Promise<void> {
    await this.refresh();
  }

  /** One refresh of every rule; returns what changed. */
  async refresh(): Promise<RefreshOutcome> {
    const now = this.o.now();
    const started = process.hrtime.bigint();
    const total: RefreshOutcome = { opened: 0, updated: 0, cameTrue: 0, withdrawn: 0, unpredicted: 0 };
    let seriesCount = 0;
    const epoch = this.o.leadership.epoch;
    for (const rule of this.o.rules) {
      const series = await readRuleSeries(this.o.query, rule, now);
      const capacities = rule.capacityMetric ? await readCapacities(this.o.query, rule.capacityMetric, now) : undefined;
      const judged: Judged[] = [];
      for (const s of series) {
        await yieldToLoop();
        if (now - s.lastTs > STALE_AFTER_MS) {
          judged.push({ series: s, assessment: { state: 'stale' } });
          continue;
        }
        const labels = { ...s.labels };
        const capacity = rule.capacity ?? capacities?.get(labelsText(labels));
        judged.push({
          series: s,
          assessment: assess(rule, s.name, rule.subject(labels), s.values, s.stepMs, capacity),
        });
      }
      seriesCount += series.length;
      const outcome = await applyRefresh(this.o.db, {
        rule,
        judged,
        now,
        epoch,
        fence: this.o.leadership.fence(),
        ...(this.o.decisions ? { decisions: { log: this.o.decisions, controller: this.name } } : {}),
      });
      total.opened += outcome.opened;
      total.updated += outcome.updated;
      total.cameTrue += outcome.cameTrue;
      total.withdrawn += outcome.withdrawn;
      total.unpredicted += outcome.unpredicted;
    }
    await markRefreshed(this.o.db, now, epoch, this.o.leadership.fence());
    this.o.onRefresh?.({ ...total, series: seriesCount, seconds: Number(process.hrtime.bigint() - started) / 1e9 });
    return total;
  }
}
