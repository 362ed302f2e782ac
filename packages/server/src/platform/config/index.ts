export { type AuroraConfig, ConfigError, type ConfigSources, compileConfig } from './compile.js';
export { type ConfigKey, configKeys, parseDurationMs } from './keys.js';
