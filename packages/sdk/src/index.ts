export * from './alerts.js';
export * from './client.js';
export * from './contract.js';
export * from './governance.js';
export * from './healing.js';
export * from './identity.js';
export * from './predictions.js';
export * from './traffic.js';
