import type { QueryEngine } from '../telemetry/index.js';
import { parseSelector } from '../telemetry/index.js';
import type { PredictionRule } from './rules.js';

/** One series' recent history on a regular grid. */
export interface SeriesHistory {
  name: string;
  labels: Record<string, string>;
  /** Rule name + labels: the identity of what is predicted. */
  key: string;
  /** Values oldest first, `stepMs` apart; gaps are filled with the value before them. */
  values: number[];
  stepMs: number;
  /** Start of the last bucket with data. */
  lastTs: number;
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** History read per series: a week at 5 minutes, the grid the forecaster was tuned and measured on. */
export const HISTORY_MS = 7 * DAY;
export const HISTORY_STEP_MS = 5 * MINUTE;
/** Fewer 5-minute points than this (6 h) and the last 12 hours are read at 1 minute instead. */
const SHORT_POINTS = 72;
const SHORT_HISTORY_MS = 12 * HOUR;

/** Labels as one canonical text, so a capacity series finds the series it belongs to. */
export function labelsText(labels: Record<string, string>): string {
  return JSON.stringify(Object.entries(labels).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

function decode(v: number | string): number {
  if (typeof v === 'number') return v;
  return v === '+Inf' ? Number.POSITIVE_INFINITY : v === '-Inf' ? Number.NEGATIVE_INFINITY : Number.NaN;
}

/**
 * Puts points on a regular grid from the first to the last finite one: a missing bucket (an agent
 * away for a while) repeats the value before it, because the forecasters take values one step apart.
 */
export function toGrid(points: [number, number | string][], stepMs: number): { values: number[]; lastTs: number } {
  const finite = points.map(([t, v]) => [t, decode(v)] as const).filter(([, v]) => Number.isFinite(v));
  if (finite.length === 0) return { values: [], lastTs: Number.NaN };
  const first = finite[0]![0];
  const lastTs = finite[finite.length - 1]![0];
  const values: number[] = [];
  let i = 0;
  let previous = finite[0]![1];
  for (let t = first; t <= lastTs; t += stepMs) {
    while (i < finite.length && finite[i]![0] < t) i++;
    if (i < finite.length && finite[i]![0] === t) previous = finite[i]![1];
    values.push(previous);
  }
  return { values, lastTs };
}

async function read(engine: QueryEngine, match: string, from: number, to: number, stepMs: number) {
  const answer = await engine.range({ selector: parseSelector(match), from, to, stepMs, agg: 'avg' });
  return answer.series.map((s) => ({
    name: s.name,
    labels: s.labels,
    ...toGrid(JSON.parse(s.pointsJson) as [number, number | string][], stepMs),
  }));
}

/** The recent history of every series a rule matches, read through the query engine. */
export async function readRuleSeries(engine: QueryEngine, rule: PredictionRule, now: number): Promise<SeriesHistory[]> {
  const week = await read(engine, rule.match, now - HISTORY_MS, now, HISTORY_STEP_MS);
  const short = week.filter((s) => s.values.length < SHORT_POINTS);
  const fine = new Map<string, { values: number[]; lastTs: number }>();
  if (short.length > 0) {
    for (const s of await read(engine, rule.match, now - SHORT_HISTORY_MS, now, MINUTE)) {
      fine.set(labelsText(s.labels), s);
    }
  }
  return week.map((s) => {
    const text = labelsText(s.labels);
    const f = s.values.length < SHORT_POINTS ? fine.get(text) : undefined;
    return {
      name: s.name,
      labels: s.labels,
      key: `${rule.name}:${s.name}${text}`,
      values: f ? f.values : s.values,
      stepMs: f ? MINUTE : HISTORY_STEP_MS,
      lastTs: f ? f.lastTs : s.lastTs,
    };
  });
}

/** The latest value of `metric` per label set (its name aside), read over the last week at 1 hour. */
export async function readCapacities(engine: QueryEngine, metric: string, now: number): Promise<Map<string, number>> {
  const answer = await engine.range({
    selector: parseSelector(metric),
    from: now - HISTORY_MS,
    to: now,
    stepMs: HOUR,
    agg: 'last',
  });
  const out = new Map<string, number>();
  for (const s of answer.series) {
    const points = JSON.parse(s.pointsJson) as [number, number | string][];
    for (let i = points.length - 1; i >= 0; i--) {
      const v = decode(points[i]![1]);
      if (Number.isFinite(v) && v > 0) {
        out.set(labelsText(s.labels), v);
        break;
      }
    }
  }
  return out;
}
