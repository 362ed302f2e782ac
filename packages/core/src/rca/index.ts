/**
 * Root-cause ranking on recorded metrics: robust scores against a normal period (RCAEval's
 * BARO), onset order, and propagation along a dependency graph. See README.md in this folder.
 */
export { rankRootCauses, scoredValues, scoreSeries } from './rank.js';
export { counterRates, kindFromName, type RobustReference, robustReference } from './robust.js';
export * from './types.js';
