import { LABEL_LIMITS } from '@aurora/sdk';
import { AuroraError } from '../platform/http/errors.js';

/**
 * Limits on one series' labels: the contract's {@link LABEL_LIMITS}, the
 * same for node labels, agent samples, remote_write and scrapes, so every
 * way in refuses the same label sets.
 */
export { LABEL_LIMITS };

/** How many series Aurora keeps, per node (source) and in total. */
export interface SeriesLimits {
  maxSeriesPerNode: number;
  maxSeriesTotal: number;
}

/** Which cardinality limit a write hit. */
export type SeriesLimitName = 'maxSeriesPerNode' | 'maxSeriesTotal';

/** A write that would create more series than a limit allows; nothing of it was written. */
export function seriesLimitError(limit: SeriesLimitName, value: number, source: string, adding: number): AuroraError {
  const env = limit === 'maxSeriesPerNode' ? 'AURORA_MAX_SERIES_PER_NODE' : 'AURORA_MAX_SERIES_TOTAL';
  const scope = limit === 'maxSeriesPerNode' ? `for ${source}` : 'in total';
  return new AuroraError(
    'AURORA_SERIES_LIMIT',
    `${limit}=${value} reached ${scope}: this write would add ${adding} new series, and nothing of it was stored; ` +
      `raise ${env} or send fewer distinct label sets`,
    limit,
  );
}

/** Checks one label set against {@link LABEL_LIMITS}; `where` names the series for the error. */
export function checkLabels(labels: Record<string, string>, where: string): void {
  const names = Object.keys(labels);
  if (names.length > LABEL_LIMITS.maxLabels) {
    throw new AuroraError(
      'AURORA_LABEL_LIMIT',
      `${where}: ${names.length} labels, more than maxLabels=${LABEL_LIMITS.maxLabels}; drop some labels`,
      'labels',
    );
  }
  for (const name of names) {
    if (name.length > LABEL_LIMITS.maxNameLength) {
      throw new AuroraError(
        'AURORA_LABEL_LIMIT',
        `${where}: label name "${name.slice(0, 80)}" is ${name.length} characters, more than maxNameLength=${LABEL_LIMITS.maxNameLength}`,
        'labels',
      );
    }
    const value = labels[name] as string;
    if (value.length > LABEL_LIMITS.maxValueLength) {
      throw new AuroraError(
        'AURORA_LABEL_LIMIT',
        `${where}: value of label "${name}" is ${value.length} characters, more than maxValueLength=${LABEL_LIMITS.maxValueLength}`,
        'labels',
      );
    }
  }
}
