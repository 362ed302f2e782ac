import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { formatCsvRow, type LabelWindow, resultPath, type SeriesFile } from '../scorer/index.js';

/** 1 for rows inside any window (limits inclusive), else 0. */
export function rowLabels(times: ArrayLike<number>, windows: readonly LabelWindow[]): Uint8Array {
  const labels = new Uint8Array(times.length);
  for (let i = 0; i < times.length; i++) {
    const t = times[i]!;
    if (windows.some((w) => t >= w.start && t <= w.end)) labels[i] = 1;
  }
  return labels;
}

/**
 * Writes one detector's output for one series in NAB's results layout,
 * `<out>/<detector>/<category>/<detector>_<file>.csv`, with columns
 * timestamp,value,anomaly_score,label. Timestamps and values are copied as written in
 * the input. The label is only there because NAB's own tools expect the column; the
 * detector never saw it. Returns the file written.
 */
export function writeResultFile(
  out: string,
  detector: string,
  series: SeriesFile,
  scores: ArrayLike<number>,
  windows: readonly LabelWindow[],
): string {
  const file = resultPath(out, detector, series.relativePath);
  mkdirSync(path.dirname(file), { recursive: true });
  const labels = rowLabels(series.times, windows);
  const lines = ['timestamp,value,anomaly_score,label'];
  for (let i = 0; i < series.times.length; i++) {
    lines.push(formatCsvRow([series.timestamps[i]!, series.valueTexts[i]!, String(scores[i]), String(labels[i])]));
  }
  writeFileSync(file, `${lines.join('\n')}\n`);
  return file;
}
