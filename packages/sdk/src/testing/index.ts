export * from './external-tools.js';
export * from './free-port.js';
