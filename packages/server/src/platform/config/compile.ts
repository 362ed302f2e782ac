import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { type CapacityRule, configKeys, type ScrapeTarget } from './keys.js';
import type { WebhookTarget } from './keys-detection.js';

/** The compiled, validated and frozen configuration of a control plane. */
export interface AuroraConfig {
  readonly host: string;
  readonly port: number;
  /** Absolute path of the embedded store's directory. */
  readonly dataDir: string;
  readonly advertiseUrl: string | undefined;
  readonly databaseUrl: string | undefined;
  readonly migrations: 'auto' | 'off';
  readonly adminToken: string | undefined;
  readonly heartbeatIntervalMs: number;
  readonly suspectAfterMs: number;
  readonly downAfterMs: number;
  readonly clockSkewThresholdMs: number;
  readonly sampleRetentionMs: number;
  readonly minuteRollupRetentionMs: number;
  readonly hourRollupRetentionMs: number;
  readonly maxSeriesPerNode: number;
  readonly maxSeriesTotal: number;
  readonly queryMaxSeries: number;
  readonly compactionPassSamples: number;
  readonly scrapeTargets: readonly ScrapeTarget[];
  readonly scrapeIntervalMs: number;
  readonly capacities: readonly CapacityRule[];
  readonly predictionIntervalMs: number;
  readonly bodyLimitBytes: number;
  readonly ingestFlushMs: number;
  readonly detectionSeries: readonly string[];
  readonly detectionPartitions: number;
  readonly detectionOwnership: 'leader' | 'shared';
  readonly detectionThreshold: number;
  readonly detectionSnapshotIntervalMs: number;
  readonly alertResolveAfterMs: number;
  readonly anomalyTrafficWeight: number;
  readonly alertmanagerUrls: readonly string[];
  readonly alertWebhooks: readonly WebhookTarget[];
  /** Absolute path of the key file (default master.key in dataDir). */
  readonly keyFile: string;
  readonly auditCheckpointEntries: number;
  readonly auditCheckpointIntervalMs: number;
  readonly loginMaxFailures: number;
  readonly loginLockoutMs: number;
  readonly authFailuresPerIp: number;
  readonly authFailureWindowMs: number;
  readonly accessTokenTtlMs: number;
  readonly sessionTtlMs: number;
  readonly rateLimitMax: number;
  readonly rateLimitWindowMs: number;
  /** Whether the server speaks HTTPS (tls, or an operator's certificate) and agents must present client certificates. */
  readonly tls: boolean;
  /** Absolute paths of the operator's certificate and key, when given. */
  readonly tlsCertFile: string | undefined;
  readonly tlsKeyFile: string | undefined;
  readonly tlsSans: readonly string[];
  readonly agentCertTtlMs: number;
  readonly logLevel: string;
}

/** Whether `host` is reachable from this machine only (127.0.0.0/8, ::1, localhost). */
export function isLoopbackHost(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  return h === 'localhost' || h === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(h) || h === '::ffff:127.0.0.1';
}

/** Sources of configuration, lowest precedence first: file, then `env`, then `overrides` (CLI flags). */
export interface ConfigSources {
  /** Path of an aurora.yaml; a missing file given explicitly is an error. */
  file?: string;
  /** Environment to read AURORA_* variables from; pass `process.env` explicitly. */
  env?: Record<string, string | undefined>;
  /** Highest precedence, e.g. parsed CLI flags; strings are parsed like env values. */
  overrides?: Record<string, unknown>;
}

/** A configuration problem; the message names the key, what was wrong and how to fix it. */
export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

function readFile(file: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new ConfigError(
      `config file ${file}: cannot be read (${(error as Error).message}); fix the path or omit --config`,
    );
  }
  let parsed: unknown;
  try {
    parsed = parseYaml(text);
  } catch (error) {
    throw new ConfigError(`config file ${file}: invalid YAML (${(error as Error).message})`);
  }
  if (parsed === null || parsed === undefined) return {};
  if (typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new ConfigError(`config file ${file}: must be a mapping of keys to values, e.g. "port: 7070"`);
  }
  return parsed as Record<string, unknown>;
}

function howToSet(spec: (typeof configKeys)[number]): string {
  const ways = [`set ${spec.env}`];
  if ('flag' in spec && spec.flag) ways.push(spec.flag);
  ways.push(`"${spec.name}:" in aurora.yaml`);
  return ways.join(' or ');
}

/**
 * Compiles configuration once: defaults, then the file, the environment and
 * the overrides, each value validated; the result is frozen.
 *
 * @example
 * const config = compileConfig({ env: process.env, overrides: { port: 8080 } });
 */
export function compileConfig(sources: ConfigSources = {}): AuroraConfig {
  const env = sources.env ?? {};
  const file = sources.file ? readFile(sources.file) : {};
  const overrides = sources.overrides ?? {};
  const known = new Set<string>(configKeys.map((k) => k.name));
  for (const [origin, values] of [
    [`config file ${sources.file}`, file],
    ['overrides', overrides],
  ] as const) {
    for (const name of Object.keys(values)) {
      if (!known.has(name)) {
        throw new ConfigError(`${name}: unknown key in ${origin}; known keys are ${[...known].join(', ')}`);
      }
    }
  }
  const out: Record<string, unknown> = {};
  for (const spec of configKeys) {
    let raw: unknown = spec.default;
    let from = 'default';
    if (file[spec.name] !== undefined) [raw, from] = [file[spec.name], 'config file'];
    if (env[spec.env] !== undefined && env[spec.env] !== '') [raw, from] = [env[spec.env], spec.env];
    if (overrides[spec.name] !== undefined) [raw, from] = [overrides[spec.name], 'overrides'];
    if (raw === undefined) {
      out[spec.name] = undefined;
      continue;
    }
    const parsed = spec.parse(raw);
    if (!parsed.ok) {
      const shown = 'secret' in spec && spec.secret ? '(hidden)' : JSON.stringify(raw);
      throw new ConfigError(`${spec.name}: ${parsed.expected} (got ${shown} from ${from}); ${howToSet(spec)}`);
    }
    out[spec.name] = parsed.value;
  }
  const heartbeat = out.heartbeatIntervalMs as number;
  out.suspectAfterMs ??= heartbeat * 3;
  if ((out.downAfterMs as number) <= (out.suspectAfterMs as number)) {
    throw new ConfigError(
      `downAfterMs: must exceed suspectAfterMs (${out.downAfterMs} <= ${out.suspectAfterMs}); set AURORA_DOWN_AFTER_MS higher or AURORA_SUSPECT_AFTER_MS lower`,
    );
  }
  if ((out.minuteRollupRetentionMs as number) < (out.sampleRetentionMs as number)) {
    throw new ConfigError(
      `minuteRollupRetentionMs: must be at least sampleRetentionMs (${out.minuteRollupRetentionMs} < ${out.sampleRetentionMs}); rollups outlive raw samples, so raise AURORA_MINUTE_ROLLUP_RETENTION or lower AURORA_SAMPLE_RETENTION`,
    );
  }
  if ((out.hourRollupRetentionMs as number) < (out.minuteRollupRetentionMs as number)) {
    throw new ConfigError(
      `hourRollupRetentionMs: must be at least minuteRollupRetentionMs (${out.hourRollupRetentionMs} < ${out.minuteRollupRetentionMs}); raise AURORA_HOUR_ROLLUP_RETENTION or lower AURORA_MINUTE_ROLLUP_RETENTION`,
    );
  }
  if ((out.tlsCertFile === undefined) !== (out.tlsKeyFile === undefined)) {
    throw new ConfigError(
      `${out.tlsCertFile === undefined ? 'tlsCertFile' : 'tlsKeyFile'}: missing; an operator's certificate needs both --tls-cert FILE and --tls-key FILE (AURORA_TLS_CERT, AURORA_TLS_KEY)`,
    );
  }
  if (out.tlsCertFile !== undefined) {
    out.tls = true;
    out.tlsCertFile = path.resolve(out.tlsCertFile as string);
    out.tlsKeyFile = path.resolve(out.tlsKeyFile as string);
  }
  if (!out.tls && !isLoopbackHost(out.host as string)) {
    throw new ConfigError(
      `host: listening on ${out.host} without TLS would send admin tokens and node credentials in clear text; ` +
        'turn TLS on with --tls (AURORA_TLS=true, "tls: true" in aurora.yaml: a certificate from the cluster CA, ' +
        'add the names agents use with --tls-san NAME) or bring your own with --tls-cert FILE --tls-key FILE, ' +
        'or listen on 127.0.0.1',
    );
  }
  out.dataDir = path.resolve(out.dataDir as string);
  out.keyFile = path.resolve((out.keyFile as string | undefined) ?? path.join(out.dataDir as string, 'master.key'));
  return Object.freeze(out) as unknown as AuroraConfig;
}
