import type { FastifyInstance } from 'fastify';
import { ConfigError } from '../platform/config/index.js';
import type { Store } from '../platform/store/index.js';
import { parseSelector, type Selector, SelectorError } from '../telemetry/index.js';
import { DetectionController, type DetectionOptions } from './controller.js';
import { registerAnomalyRoutes } from './routes.js';

export { DetectionController, type DetectionOptions } from './controller.js';
export { HeadReader } from './head-reader.js';
export { PartitionLeases, partitionLeaseName } from './partitions.js';
export { MIN_POINTS, resume, type StoredSnapshot } from './series-state.js';
export { decodeState, encodeState } from './state-codec.js';

/** Parses the `detectionSeries` setting, naming the key and the fault of a selector that does not parse. */
export function parseDetectionSeries(texts: readonly string[]): Selector[] {
  return texts.map((text, i) => {
    try {
      return parseSelector(text);
    } catch (error) {
      const why = error instanceof SelectorError ? error.message : String(error);
      throw new ConfigError(
        `detectionSeries.${i}: ${why} in ${JSON.stringify(text)}; write a Prometheus series selector such as cpu_usage_pct{node=~"web-.*"}`,
      );
    }
  });
}

/** The live detection capability: its controller (run on the leader) and its routes. */
export interface Detection {
  controller: DetectionController;
  registerRoutes(app: FastifyInstance): Promise<void>;
}

/** Builds live detection over the store. */
export function createDetection(store: Store, options: Omit<DetectionOptions, 'db'>): Detection {
  const controller = new DetectionController({ db: store.db, ...options });
  return {
    controller,
    registerRoutes: (app) => registerAnomalyRoutes(app, store.db),
  };
}
