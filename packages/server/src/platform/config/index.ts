export { type AuroraConfig, type ConfigSources, ConfigError, compileConfig } from './compile.js';
export { type ConfigKey, configKeys, parseDurationMs } from './keys.js';
