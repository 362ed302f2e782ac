/**
 * The agent's allow-list: everything an action may touch is named here, by whoever runs the agent,
 * and nothing else. The control plane only ever names entries of this list (a service, a log set,
 * a process name) or paths under its cleanup roots. Commands are argument vectors started without
 * a shell, so no text from the network is ever interpreted by one.
 */
import path from 'node:path';
import { tryParseDuration } from '@aurora/core';
import { type Static, Type } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';

const Name = Type.String({ minLength: 1, maxLength: 128, pattern: '^[A-Za-z0-9_][A-Za-z0-9_.@:-]*$' });
const Duration = Type.Union([Type.String({ minLength: 1, maxLength: 16 }), Type.Number({ minimum: 0 })]);

const ServiceConfig = Type.Object(
  {
    command: Type.String({ minLength: 1, maxLength: 4096, description: 'the program, started without a shell' }),
    args: Type.Optional(Type.Array(Type.String({ maxLength: 4096 }), { maxItems: 256 })),
    env: Type.Optional(Type.Record(Type.String({ minLength: 1, maxLength: 256 }), Type.String({ maxLength: 65536 }))),
    cwd: Type.Optional(Type.String({ minLength: 1, maxLength: 4096 })),
    /** Grace between SIGTERM and SIGKILL when stopping; a hung (stopped) process only yields to the latter. */
    stopTimeout: Type.Optional(Duration),
    /** Append stdout and stderr here; default `<stateDir>/services/<name>.log`. */
    log: Type.Optional(Type.String({ minLength: 1, maxLength: 4096 })),
    /**
     * A health check: an HTTP GET at every collection; a service that is running but does not answer
     * 2xx or 3xx within the timeout (hung, deadlocked, stopped) reports `service.up` 0.
     */
    check: Type.Optional(
      Type.Object(
        {
          http: Type.String({ minLength: 1, maxLength: 2048, description: 'e.g. http://127.0.0.1:8080/healthz' }),
          timeout: Type.Optional(Duration),
        },
        { additionalProperties: false },
      ),
    ),
    /** Start it when the agent starts (default true). */
    autostart: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);

const LogConfig = Type.Object(
  {
    path: Type.String({ minLength: 1, maxLength: 4096 }),
    keep: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, description: 'rotated files kept (default 5)' })),
    compress: Type.Optional(Type.Boolean({ description: 'gzip rotated files (default false)' })),
  },
  { additionalProperties: false },
);

/** The allow-list as written in the agent's config file or passed to `startAgent`. */
export const ActionsConfigSchema = Type.Object(
  {
    services: Type.Optional(Type.Record(Name, ServiceConfig, { maxProperties: 256 })),
    systemd: Type.Optional(Type.Array(Name, { maxItems: 256, description: 'systemd units that may be restarted' })),
    clean: Type.Optional(
      Type.Object(
        { roots: Type.Array(Type.String({ minLength: 1, maxLength: 4096 }), { maxItems: 64 }) },
        { additionalProperties: false },
      ),
    ),
    kill: Type.Optional(
      Type.Object(
        {
          names: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 64 }), { maxItems: 256 })),
          cgroups: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 1024 }), { maxItems: 256 })),
        },
        { additionalProperties: false },
      ),
    ),
    logs: Type.Optional(Type.Record(Name, LogConfig, { maxProperties: 256 })),
  },
  { additionalProperties: false },
);
export type ActionsConfig = Static<typeof ActionsConfigSchema>;

export interface CompiledService {
  name: string;
  command: string;
  args: readonly string[];
  env: Readonly<Record<string, string>>;
  cwd: string | undefined;
  stopTimeoutMs: number;
  log: string;
  autostart: boolean;
  check: { url: string; timeoutMs: number } | undefined;
}

export interface CompiledLog {
  name: string;
  path: string;
  keep: number;
  compress: boolean;
}

/** The allow-list after validation: absolute paths, durations in ms, defaults applied. */
export interface CompiledActions {
  services: ReadonlyMap<string, CompiledService>;
  systemd: ReadonlySet<string>;
  cleanRoots: readonly string[];
  killNames: ReadonlySet<string>;
  killCgroups: ReadonlySet<string>;
  logs: ReadonlyMap<string, CompiledLog>;
}

const DEFAULT_STOP_TIMEOUT_MS = 5_000;
const DEFAULT_CHECK_TIMEOUT_MS = 2_000;

function fail(key: string, problem: string): never {
  throw new Error(`agent actions config: ${key}: ${problem}`);
}

function absolute(key: string, p: string): string {
  if (!path.isAbsolute(p)) fail(key, `must be an absolute path, got "${p}"`);
  return path.resolve(p);
}

/** Validates the allow-list; errors name the key and the fix. */
export function compileActions(config: ActionsConfig | undefined, stateDir: string): CompiledActions {
  const raw = config ?? {};
  const first = Value.Errors(ActionsConfigSchema, raw).First();
  if (first) fail(first.path.replace(/^\//, '').replaceAll('/', '.') || '(root)', first.message);
  const services = new Map<string, CompiledService>();
  for (const [name, s] of Object.entries(raw.services ?? {})) {
    const stopTimeoutMs = s.stopTimeout === undefined ? DEFAULT_STOP_TIMEOUT_MS : tryParseDuration(s.stopTimeout);
    if (stopTimeoutMs === undefined) fail(`services.${name}.stopTimeout`, 'must be a duration such as 5s');
    let check: CompiledService['check'];
    if (s.check) {
      let url: URL;
      try {
        url = new URL(s.check.http);
      } catch {
        fail(
          `services.${name}.check.http`,
          `must be a URL such as http://127.0.0.1:8080/healthz, got "${s.check.http}"`,
        );
      }
      if (url.protocol !== 'http:' && url.protocol !== 'https:')
        fail(`services.${name}.check.http`, 'must use http or https');
      const timeoutMs = s.check.timeout === undefined ? DEFAULT_CHECK_TIMEOUT_MS : tryParseDuration(s.check.timeout);
      if (timeoutMs === undefined || timeoutMs < 1)
        fail(`services.${name}.check.timeout`, 'must be a duration such as 2s');
      check = { url: url.href, timeoutMs };
    }
    services.set(name, {
      name,
      command: s.command,
      args: Object.freeze([...(s.args ?? [])]),
      env: Object.freeze({ ...(s.env ?? {}) }),
      cwd: s.cwd === undefined ? undefined : absolute(`services.${name}.cwd`, s.cwd),
      stopTimeoutMs,
      log:
        s.log === undefined
          ? path.resolve(stateDir, 'services', `${name}.log`)
          : absolute(`services.${name}.log`, s.log),
      autostart: s.autostart ?? true,
      check,
    });
  }
  const cleanRoots = (raw.clean?.roots ?? []).map((r, i) => {
    const root = absolute(`clean.roots.${i}`, r);
    if (root === path.parse(root).root) fail(`clean.roots.${i}`, 'a filesystem root cannot be a cleanup root');
    return root;
  });
  const cgroups = (raw.kill?.cgroups ?? []).map((c, i) => {
    if (!c.startsWith('/') || c.split('/').includes('..'))
      fail(`kill.cgroups.${i}`, 'must be a cgroup path like /system.slice/x.service');
    return path.posix.normalize(c);
  });
  const logs = new Map<string, CompiledLog>();
  for (const [name, l] of Object.entries(raw.logs ?? {})) {
    logs.set(name, {
      name,
      path: absolute(`logs.${name}.path`, l.path),
      keep: l.keep ?? 5,
      compress: l.compress ?? false,
    });
  }
  return {
    services,
    systemd: new Set(raw.systemd ?? []),
    cleanRoots: Object.freeze(cleanRoots),
    killNames: new Set(raw.kill?.names ?? []),
    killCgroups: new Set(cgroups),
    logs,
  };
}
