/**
 * "Predicted problems" on the overview: the leader's open predictions (disks
 * filling, memory leaking, CPU and configured resources saturating), soonest
 * first, and how often closed predictions came true.
 */
import type { PredictionList } from '@aurora/sdk';
import { useEffect, useState } from 'react';
import { Link } from '../app/router.js';
import { pathOf } from '../app/routes.js';
import { useFleet } from '../live/FleetProvider.js';

/** The leader refreshes predictions every minute; reading them twice as often shows a change within one. */
const REFRESH_MS = 30_000;

function hitRateText(rate: PredictionList['hitRate']): string {
  const pct = (x: number | null) => (x === null ? '—' : `${Math.round(x * 100)} %`);
  const reached = rate.cameTrue + rate.unpredicted;
  const recall =
    reached === 0 ? '' : ` Recall ${pct(rate.recall)}: ${rate.cameTrue} of ${reached} limits reached were predicted.`;
  if (rate.closed === 0) return `No prediction has closed yet, so there is no hit rate.${recall}`;
  return `Hit rate ${pct(rate.hitRate)}: ${rate.cameTrue} of ${rate.closed} closed predictions came true (${rate.withdrawn} withdrawn).${recall}`;
}

export function PredictedProblems() {
  const { client, fleet } = useFleet();
  const [list, setList] = useState<PredictionList | undefined>(undefined);
  const [error, setError] = useState<string | undefined>(undefined);
  useEffect(() => {
    let live = true;
    const load = async () => {
      try {
        const next = await client.predictions({ status: 'open', limit: 20 });
        if (!live) return;
        setList(next);
        setError(undefined);
      } catch (e) {
        if (live) setError(e instanceof Error ? e.message : String(e));
      }
    };
    void load();
    const timer = setInterval(load, REFRESH_MS);
    return () => {
      live = false;
      clearInterval(timer);
    };
  }, [client]);

  return (
    <section className="card" aria-labelledby="predicted-title" data-testid="predicted-problems">
      <h2 id="predicted-title">Predicted problems</h2>
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      {list && list.items.length === 0 && <p className="muted">Nothing is expected to fill up, saturate or leak.</p>}
      {list && list.items.length > 0 && (
        <ul className="attention" data-testid="prediction-list">
          {list.items.map((p) => (
            <li key={p.id} data-testid="prediction-item" data-rule={p.rule} data-kind={p.kind}>
              <span className={`badge kind-${p.kind}`}>{p.kind}</span>
              {p.node && fleet.nodes.has(p.node) ? (
                <Link to={pathOf({ page: 'node', name: p.node })}>{p.message}</Link>
              ) : (
                <span>{p.message}</span>
              )}
            </li>
          ))}
        </ul>
      )}
      {list && (
        <p className="muted" data-testid="prediction-hit-rate">
          {hitRateText(list.hitRate)}
        </p>
      )}
    </section>
  );
}
