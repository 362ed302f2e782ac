/** What tests and benchmarks outside this package may use to set up a control plane's data. */
export { seedNodes } from './fleet-seed.js';
