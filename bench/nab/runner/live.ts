import { createDetector, type Detector, LIVE_DETECTOR } from '@aurora/core';

/**
 * The name results of the live default are written under, whatever detector that is today,
 * so a benchmark always measures what the control plane runs.
 */
export const LIVE_NAME = 'aurora-live';

/** The registry name behind a benchmark's detector name (`aurora-live` → the live default). */
export function resolveDetector(name: string): string {
  return name === LIVE_NAME ? LIVE_DETECTOR : name;
}

/** A fresh detector for a benchmark name, with optional setting overrides. */
export function benchDetector(name: string, config?: Record<string, unknown>): Detector {
  return createDetector(resolveDetector(name), config);
}
