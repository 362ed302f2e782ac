export { initialHealth, isHealthyState, stepHealth } from './machine.js';
export type {
  HealthConfig,
  HealthInput,
  HealthState,
  HealthStep,
  HealthTransition,
  NodeHealth,
  OperatorState,
} from './types.js';
export { defaultHealthConfig } from './types.js';
