/**
 * Forecasts with prediction intervals, and the predictions an operator acts on (time until a
 * capacity is reached, saturation, memory leaks), as pure functions. See README.md in this folder.
 */
export * from './auto.js';
export * from './capacity.js';
export * from './describe.js';
export * from './holt-winters.js';
export * from './leak.js';
export { normalQuantile } from './normal.js';
export * from './profile.js';
export * from './saturation.js';
export * from './seasonal-naive.js';
export * from './stats.js';
export * from './trend.js';
export * from './types.js';
