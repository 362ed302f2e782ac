export { type AuroraConfig, ConfigError, type ConfigSources, compileConfig } from './compile.js';
export { type CapacityRule, type ConfigKey, configKeys, parseDurationMs } from './keys.js';
