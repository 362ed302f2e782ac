/** The anomalies live detection recorded for one node, read now and every few seconds. */
import type { Anomaly } from '@aurora/sdk';
import { useCallback } from 'react';
import { usePolled } from '../alerts/use-polled.js';
import { useFleet } from '../live/FleetProvider.js';

/** Detection judges within a second or so of a heartbeat; this is how soon a marker shows after that. */
const REFRESH_MS = 3_000;
/** The newest anomalies of the node; a week of a noisy node may hold more, which the week view then omits. */
const LIMIT = 1_000;

export function useNodeAnomalies(name: string): { anomalies: readonly Anomaly[]; error: string | undefined } {
  const { client } = useFleet();
  const load = useCallback(() => client.anomalies({ node: name, limit: LIMIT }), [client, name]);
  const { value, error } = usePolled(load, REFRESH_MS);
  return { anomalies: value?.items ?? EMPTY, error };
}

const EMPTY: readonly Anomaly[] = [];
