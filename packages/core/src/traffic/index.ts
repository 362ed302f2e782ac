export type { ActiveHealth, ActiveHealthOptions } from './active-health.js';
export { defaultActiveHealthOptions, initialActiveHealth, stepActiveHealth } from './active-health.js';
export type { CircuitBreakerOptions, CircuitState } from './circuit-breaker.js';
export { CircuitBreaker, defaultCircuitBreakerOptions } from './circuit-breaker.js';
export type { PeakEwmaOptions } from './load.js';
export { defaultPeakEwmaOptions, LoadTracker } from './load.js';
export type { OutlierEvent, OutlierOptions } from './outlier.js';
export { defaultOutlierOptions, OutlierDetector } from './outlier.js';
export {
  consistentHash,
  createPicker,
  fnv1a,
  leastRequest,
  p2cPeakEwma,
  pickerNames,
  roundRobin,
  weighted,
} from './pickers.js';
export type { RetryBudgetOptions } from './retry-budget.js';
export { defaultRetryBudgetOptions, RetryBudget } from './retry-budget.js';
export type { Endpoint, PickContext, Picker, PickerName, RequestOutcome } from './types.js';
export type { ZoneDecision, ZoneOptions } from './zones.js';
export { defaultZoneOptions, selectCandidates } from './zones.js';
