/**
 * The programs that some test suites drive for real (HAProxy, Prometheus, its node exporter,
 * Alertmanager, Chromium), found in one way for every package: a suite skips with a message
 * that says how to install what is missing, and fails instead when its AURORA_REQUIRE_* is 1.
 * It lives in the SDK because the SDK is the one package that the server, the proxy and the
 * console may all import; it is a test helper, outside the SDK's public entry point.
 */
import { accessSync, constants, statSync } from 'node:fs';
import path from 'node:path';

/** A suite of tests and the programs it needs. */
export interface ToolSuite {
  /** What skips, as a sentence subject: "the HAProxy adapter tests". */
  readonly tests: string;
  /** Program name → the names or absolute paths it may go by, in order of preference. */
  readonly binaries: Readonly<Record<string, readonly string[]>>;
  /** How to install what is missing. */
  readonly install: string;
  /** The variable that makes a missing program a failure (CI sets it). */
  readonly requireEnv: string;
}

/** Every suite that drives an outside program. */
export function toolSuites(env: NodeJS.ProcessEnv = process.env) {
  return {
    haproxy: {
      tests: 'the HAProxy adapter tests',
      binaries: { haproxy: ['haproxy'] },
      install: 'scripts/install-lb-peers.sh, or apt-get install haproxy',
      requireEnv: 'AURORA_REQUIRE_HAPROXY',
    },
    prometheus: {
      tests: 'the Prometheus tests',
      binaries: { prometheus: ['prometheus'], 'prometheus-node-exporter': ['prometheus-node-exporter'] },
      install: 'scripts/install-prometheus.sh, or apt-get install prometheus prometheus-node-exporter',
      requireEnv: 'AURORA_REQUIRE_PROMETHEUS',
    },
    alertmanager: {
      tests: 'the Alertmanager tests',
      binaries: { 'prometheus-alertmanager': ['prometheus-alertmanager'] },
      install: 'scripts/install-alertmanager.sh, or apt-get install prometheus-alertmanager',
      requireEnv: 'AURORA_REQUIRE_ALERTMANAGER',
    },
    browser: {
      tests: 'the console browser test',
      // An explicit path is the only candidate, so a wrong one is reported rather than silently replaced.
      binaries: { chromium: env.AURORA_CHROMIUM_PATH ? [env.AURORA_CHROMIUM_PATH] : ['chromium', 'chromium-browser'] },
      install: 'apt-get install chromium, or set AURORA_CHROMIUM_PATH',
      requireEnv: 'AURORA_REQUIRE_BROWSER',
    },
  } satisfies Record<string, ToolSuite>;
}

/** The name of a suite in {@link toolSuites}. */
export type ToolSuiteName = keyof ReturnType<typeof toolSuites>;

// Debian installs daemons (haproxy) in sbin directories, which are not on every user's PATH.
const EXTRA_DIRS = ['/usr/local/sbin', '/usr/sbin', '/sbin'];

function isExecutableFile(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return statSync(file).isFile();
  } catch {
    return false;
  }
}

/** The first candidate that is an executable file: an absolute path as given, a bare name on PATH or in sbin. */
export function findExecutable(
  candidates: readonly string[],
  env: NodeJS.ProcessEnv = process.env,
): string | undefined {
  const dirs = [...(env.PATH ?? '').split(path.delimiter).filter(Boolean), ...EXTRA_DIRS];
  for (const candidate of candidates) {
    if (candidate.includes('/') || candidate.includes(path.sep)) {
      if (isExecutableFile(candidate)) return candidate;
      continue;
    }
    for (const dir of dirs) {
      const file = path.join(dir, candidate);
      if (isExecutableFile(file)) return file;
    }
  }
  return undefined;
}

/** What a suite found: each program's path, and why the suite skips (undefined when it runs). */
export interface ToolCheck {
  readonly paths: Readonly<Record<string, string | undefined>>;
  readonly skip: string | undefined;
}

/** Looks for a suite's programs without throwing; {@link toolSkip} is what test files call. */
export function checkTools(name: ToolSuiteName, env: NodeJS.ProcessEnv = process.env): ToolCheck {
  const suite: ToolSuite = toolSuites(env)[name];
  const paths: Record<string, string | undefined> = {};
  for (const [binary, candidates] of Object.entries(suite.binaries)) paths[binary] = findExecutable(candidates, env);
  const missing = Object.entries(paths)
    .filter(([, found]) => !found)
    .map(([binary]) => (binary === 'chromium' && env.AURORA_CHROMIUM_PATH ? env.AURORA_CHROMIUM_PATH : binary));
  const skip =
    missing.length === 0
      ? undefined
      : `${suite.tests} skip: ${missing.join(' and ')} not installed (${suite.install}); ${suite.requireEnv}=1 makes this a failure`;
  return { paths, skip };
}

/**
 * Why a suite skips on this machine, or undefined when it runs. With the suite's
 * AURORA_REQUIRE_* set to 1, a missing program throws instead, failing the test file.
 */
export function toolSkip(name: ToolSuiteName, env: NodeJS.ProcessEnv = process.env): string | undefined {
  const { skip } = checkTools(name, env);
  const requireEnv = toolSuites(env)[name].requireEnv;
  if (skip && env[requireEnv] === '1') throw new Error(`${requireEnv}=1 but ${skip}`);
  return skip;
}

/** The path of one program of a suite; throws when it is missing (call after {@link toolSkip} said the suite runs). */
export function toolPath(name: ToolSuiteName, binary: string, env: NodeJS.ProcessEnv = process.env): string {
  const found = checkTools(name, env).paths[binary];
  if (!found) throw new Error(`${binary} is not installed (${toolSuites(env)[name].install})`);
  return found;
}
