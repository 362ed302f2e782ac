/**
 * The models `bench:forecast` compares: Aurora's forecaster and its peers in the same run.
 * Seasonal naive is the yardstick (1.0 by definition) and is not listed here.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { autoForecast, DAY_MS, holtWintersMethod, profileMethod, seasonalNaive } from '@aurora/core';
import { type ForecastFn, seasonalNaivePeriod } from './protocol.js';

/** Aurora's shipped forecaster: the name its score goes under in the JSON and the tables. */
export const AURORA = 'aurora';

/** One model of the comparison. */
export interface ModelSpec {
  name: string;
  /** One line for the table's legend. */
  description: string;
  forecast: ForecastFn;
}

const levelOnly = profileMethod('level-3h', { periodMs: 0, cycles: 1, levelMs: 3 * 3_600_000, smooth: 0 });
const holtWintersDay = holtWintersMethod('holt-winters-day', DAY_MS);

/** Aurora's forecaster and the peers written in TypeScript here. */
export function builtInModels(): ModelSpec[] {
  return [
    {
      name: AURORA,
      description: 'autoForecast: backtests its candidate methods on the last 3 horizons, keeps the best',
      forecast: (history, horizon, stepMs) => autoForecast(history, { horizon, stepMs, level: 0.8 }),
    },
    {
      name: 'median-3h',
      description: 'flat forecast at the median of the last 3 hours (one of aurora’s candidates, alone)',
      forecast: (history, horizon, stepMs) => ({ point: levelOnly.predict(history, { horizon, stepMs }) }),
    },
    {
      name: 'holt-winters',
      description: 'additive Holt-Winters (ETS A,Ad,A), daily season, grid-fitted on the last 4 days',
      forecast: (history, horizon, stepMs) => ({ point: holtWintersDay.predict(history, { horizon, stepMs }) }),
    },
  ];
}

interface AugursForecast {
  point: number[];
  intervals?: { lower: number[]; upper: number[] } | undefined;
}
interface AugursModel {
  fit(y: Float64Array): void;
  predict(horizon: number, level?: number): AugursForecast;
  free(): void;
}

/**
 * Grafana's augurs (WASM) as peers: MSTL with an AutoETS trend and a daily season, and
 * non-seasonal AutoETS, each fitted on recent history.
 * The WASM is read from the installed package and instantiated synchronously, as its default
 * loader fetches a URL, which Node.js cannot do for files.
 */
export async function augursModels(): Promise<ModelSpec[]> {
  const require = createRequire(import.meta.url);
  const dir = path.dirname(require.resolve('@bsull/augurs/mstl'));
  const mstl = await import('@bsull/augurs/mstl');
  const ets = await import('@bsull/augurs/ets');
  mstl.initSync({ module: readFileSync(path.join(dir, 'mstl_bg.wasm')) });
  ets.initSync({ module: readFileSync(path.join(dir, 'ets_bg.wasm')) });
  // augurs refuses some series (it throws, e.g. on a constant stretch): seasonal naive stands in
  // at that origin, so the peer scores 1.0 there, and the failure is counted in the results.
  const run = (model: AugursModel, history: Float64Array, horizon: number, stepMs: number) => {
    try {
      model.fit(history);
      const f = model.predict(horizon, 0.8);
      return { point: f.point, lower: f.intervals?.lower, upper: f.intervals?.upper };
    } catch {
      const period = seasonalNaivePeriod(history, history.length, stepMs);
      return { point: seasonalNaive(history, horizon, period), failed: true };
    } finally {
      model.free();
    }
  };
  return [
    {
      name: 'augurs-mstl',
      description: 'augurs MSTL + AutoETS trend, daily season, last 4 days',
      forecast(history, horizon, stepMs) {
        // A weekly season as well (fitted on 4 weeks) scored worse on realAWSCloudwatch: 1.12 against 1.01.
        const day = Math.round(DAY_MS / stepMs);
        return run(mstl.MSTL.ets([day]), history.subarray(Math.max(0, history.length - 4 * day)), horizon, stepMs);
      },
    },
    {
      name: 'augurs-ets',
      description: 'augurs AutoETS without season (ZZN), last 4 horizons',
      forecast(history, horizon, stepMs) {
        const keep = 4 * Math.max(288, horizon);
        return run(new ets.AutoETS(1, 'ZZN'), history.subarray(Math.max(0, history.length - keep)), horizon, stepMs);
      },
    },
  ];
}
