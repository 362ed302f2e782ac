/**
 * Aurora's pure logic: no I/O, no clock, no unseeded randomness.
 * Everything here is deterministic so a newly elected leader can resume it.
 */

export * from './cluster/index.js';
export * from './detection/index.js';
export * from './forecasting/index.js';
export * from './rca/index.js';
export * from './text/index.js';
export * from './traffic/index.js';
export * from './units/index.js';
