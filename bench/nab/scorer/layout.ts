import type { CostMatrix } from './profiles.js';
import { MAX_TP, probationaryLength, scaledSigmoid } from './sigmoid.js';

/** An anomaly window: the first and last timestamps (ms) it covers, both inclusive. */
export interface LabelWindow {
  start: number;
  end: number;
}

/** Marks a row that lies outside every window. */
export const OUTSIDE = -1;

/**
 * How each row of a corpus would be scored if a detector fired on it, independent of
 * the detector and of the profile. Files are laid end to end; windows are numbered
 * across the whole corpus so one sweep can score every file at once.
 */
export interface ScoringLayout {
  /** Files in order, each with the offset of its first row. */
  files: { relativePath: string; offset: number; rows: number }[];
  /** Total rows. */
  rows: number;
  /** 1 when the row is scored (past the probationary period). */
  scorable: Uint8Array;
  /** The corpus-wide window a row lies in, or OUTSIDE. */
  windowOf: Int32Array;
  /**
   * The unweighted worth of a detection on the row: inside a window the scaled sigmoid
   * of its position (earlier is better), outside one the (negative) sigmoid of its
   * distance past the previous window, or −1 when no window precedes it.
   */
  unweighted: Float64Array;
  /** How many windows the corpus has (ids run from 0 to windowCount − 1, in file order). */
  windowCount: number;
}

/** One file's rows as the scorer needs them: its path and its row timestamps (ms). */
export interface LayoutInput {
  relativePath: string;
  times: ArrayLike<number>;
  windows: readonly LabelWindow[];
}

/**
 * Assigns every row of every file to a window (or none) the way NAB's sweeper does:
 * a window opens at the row whose timestamp equals its start and closes after the row
 * equal to its end. The position of row i in a window spanning rows [l, r] is
 * −(r − i + 1)/(r − l + 1); a row after a window spanning [l, r] sits (i − r)/(r − l)
 * window-widths past it.
 * @throws when a window limit is not exactly a row's timestamp (NAB requires that).
 */
export function buildLayout(inputs: readonly LayoutInput[]): ScoringLayout {
  const rows = inputs.reduce((n, f) => n + f.times.length, 0);
  const layout: ScoringLayout = {
    files: [],
    rows,
    scorable: new Uint8Array(rows),
    windowOf: new Int32Array(rows).fill(OUTSIDE),
    unweighted: new Float64Array(rows),
    windowCount: 0,
  };
  let offset = 0;
  for (const input of inputs) {
    layoutFile(layout, input, offset);
    layout.files.push({ relativePath: input.relativePath, offset, rows: input.times.length });
    offset += input.times.length;
  }
  return layout;
}

function firstIndexByTime(times: ArrayLike<number>): Map<number, number> {
  const index = new Map<number, number>();
  for (let i = 0; i < times.length; i++) if (!index.has(times[i]!)) index.set(times[i]!, i);
  return index;
}

function layoutFile(layout: ScoringLayout, input: LayoutInput, offset: number): void {
  const { times, relativePath } = input;
  const byTime = firstIndexByTime(times);
  const windows = [...input.windows].sort((a, b) => a.start - b.start);
  const bounds = windows.map((w) => {
    const left = byTime.get(w.start);
    const right = byTime.get(w.end);
    if (left === undefined || right === undefined) {
      const missing = new Date(left === undefined ? w.start : w.end).toISOString();
      throw new Error(
        `labels for ${relativePath}: window limit ${missing} is not a timestamp of the file; ` +
          'window limits must equal row timestamps exactly',
      );
    }
    return { left, right, width: right - left + 1 };
  });
  const probation = probationaryLength(times.length);
  let next = 0;
  let current: { id: number; right: number; width: number; end: number } | null = null;
  let previous: { right: number; width: number } | null = null;
  for (let i = 0; i < times.length; i++) {
    const row = offset + i;
    const t = times[i]!;
    // Like NAB, a window that starts inside another takes over from it.
    if (next < windows.length && t === windows[next]!.start) {
      const b = bounds[next]!;
      current = { id: layout.windowCount++, right: b.right, width: b.width, end: windows[next]!.end };
      next++;
    }
    if (current !== null) {
      layout.windowOf[row] = current.id;
      layout.unweighted[row] = scaledSigmoid(-(current.right - i + 1) / current.width);
    } else {
      layout.unweighted[row] =
        previous === null ? -1 : scaledSigmoid(Math.abs(previous.right - i) / (previous.width - 1));
    }
    layout.scorable[row] = i >= probation ? 1 : 0;
    if (current !== null && t === current.end) {
      previous = { right: i, width: current.width };
      current = null;
    }
  }
}

/**
 * What a detection on `row` adds to the score under a profile: inside a window the
 * sigmoid scaled so the left edge earns exactly tpWeight, outside one fpWeight times
 * the (negative) sigmoid.
 */
export function detectionWorth(layout: ScoringLayout, row: number, costs: CostMatrix): number {
  const u = layout.unweighted[row]!;
  return layout.windowOf[row] === OUTSIDE ? u * costs.fpWeight : (u * costs.tpWeight) / MAX_TP;
}
