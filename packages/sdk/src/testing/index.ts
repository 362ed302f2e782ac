export * from './external-tools.js';
