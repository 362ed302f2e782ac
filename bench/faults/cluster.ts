/**
 * The fault bench's cluster: one `aurora server` and N `aurora agent` processes from the compiled
 * CLI, each agent with its own state directory, sandbox root (the only place it may clean), labels,
 * a supervised service and an actions allow-list, as an operator would write them.
 */
import type { ChildProcess } from 'node:child_process';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from '@aurora/sdk/testing';
import { repoRoot } from '../lib/report.js';
import { alive, start } from './processes.js';

const cli = path.join(repoRoot, 'packages', 'cli', 'dist', 'main.js');
export const serviceScript = fileURLToPath(new URL('./service.mjs', import.meta.url));
export const hogScript = fileURLToPath(new URL('./hog.mjs', import.meta.url));
const ADMIN_TOKEN = 'bench-faults-admin-token-0123456789';

/** Control-plane settings of the run (documented config keys): agents are asked to heartbeat every second. */
export const SERVER_ENV = { AURORA_HEARTBEAT_INTERVAL_MS: '1000' };
/** And the agents are started with `--interval 1s` (the CLI's default is 5 s), so a sample is at most a second old. */
export const AGENT_INTERVAL = '1s';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls `probe` every `everyMs` until it returns a value other than undefined, or `timeoutMs` passes. */
export async function waitFor<T>(
  probe: () => Promise<T | undefined>,
  timeoutMs: number,
  everyMs = 250,
): Promise<T | undefined> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch {
      // not yet
    }
    if (Date.now() >= deadline) return undefined;
    await sleep(everyMs);
  }
}

export class Api {
  constructor(readonly url: string) {}

  async call<T = unknown>(method: string, route: string, body?: unknown): Promise<T> {
    const res = await fetch(`${this.url}${route}`, {
      method,
      headers: {
        authorization: `Bearer ${ADMIN_TOKEN}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      signal: AbortSignal.timeout(10_000),
    });
    const text = await res.text();
    if (res.status >= 300) throw new Error(`${method} ${route}: ${res.status} ${text.slice(0, 300)}`);
    return (text ? JSON.parse(text) : undefined) as T;
  }
}

export interface BenchNode {
  name: string;
  /** The sandbox root: the agent may clean below it and nowhere else. */
  root: string;
  /** Where temp files pile up (inside the root). */
  tmp: string;
  servicePort: number;
  /** The process name this node's agent may kill, a link to node named for the node. */
  hogName: string;
  hogBin: string;
  agent: ChildProcess;
}

export async function startServer(dir: string): Promise<{ api: Api; child: ChildProcess }> {
  const port = await freePort();
  const child = start(
    process.execPath,
    [cli, 'server', '--port', String(port), '--data-dir', path.join(dir, 'server'), '--log-level', 'warn'],
    { env: { ...process.env, AURORA_ADMIN_TOKEN: ADMIN_TOKEN, ...SERVER_ENV } },
  );
  const api = new Api(`http://127.0.0.1:${port}`);
  const ready = await waitFor(async () => {
    if (!alive(child)) throw new Error('exited');
    return (await fetch(`${api.url}/readyz`, { signal: AbortSignal.timeout(1_000) })).ok ? true : undefined;
  }, 60_000);
  if (!ready || !alive(child)) throw new Error('aurora server did not become ready within 60 s');
  return { api, child };
}

/** Starts the agents, one after another, and waits until every one has joined and its service answers. */
export async function startAgents(api: Api, dir: string, count: number): Promise<BenchNode[]> {
  const { token } = await api.call<{ token: string }>('POST', '/v1/tokens', { uses: count });
  const nodes: BenchNode[] = [];
  for (let i = 1; i <= count; i++) {
    const name = `n${i}`;
    const home = path.join(dir, name);
    const root = path.join(home, 'sandbox');
    const tmp = path.join(root, 'tmp');
    const bin = path.join(home, 'bin');
    mkdirSync(tmp, { recursive: true });
    mkdirSync(bin, { recursive: true });
    const hogName = `hog-${name}`;
    const hogBin = path.join(bin, hogName);
    symlinkSync(process.execPath, hogBin);
    const servicePort = await freePort();
    const actions = {
      services: {
        web: {
          command: process.execPath,
          args: [serviceScript],
          env: { PORT: String(servicePort) },
          stopTimeout: '1s',
          check: { http: `http://127.0.0.1:${servicePort}/`, timeout: '500ms' },
        },
      },
      clean: { roots: [root] },
      kill: { names: [hogName] },
    };
    const actionsFile = path.join(home, 'actions.json');
    writeFileSync(actionsFile, JSON.stringify(actions, null, 2)); // JSON is YAML
    const agent = start(
      process.execPath,
      [
        cli,
        'agent',
        '--server',
        api.url,
        '--token',
        token,
        '--name',
        name,
        '--state-dir',
        path.join(home, 'state'),
        '--actions',
        actionsFile,
        '--label',
        `role=${i % 2 === 0 ? 'api' : 'web'}`,
        '--label',
        `rack=r${Math.ceil(i / 2)}`,
        '--interval',
        AGENT_INTERVAL,
      ],
      { env: { ...process.env, AURORA_LOG_LEVEL: 'warn' } },
    );
    nodes.push({ name, root, tmp, servicePort, hogName, hogBin, agent });
  }
  for (const node of nodes) {
    const up = await waitFor(async () => {
      if (!alive(node.agent)) throw new Error('exited');
      const { items } = await api.call<{ items: { name: string }[] }>('GET', '/v1/nodes');
      if (!items.some((n) => n.name === node.name)) return undefined;
      return (await servicePid(node)) ?? undefined;
    }, 60_000);
    if (!up || !alive(node.agent)) throw new Error(`agent ${node.name} did not join or start its service within 60 s`);
  }
  return nodes;
}

/** The pid the node's service answers with within half a second, else undefined. */
export async function servicePid(node: BenchNode): Promise<number | undefined> {
  try {
    const res = await fetch(`http://127.0.0.1:${node.servicePort}/`, { signal: AbortSignal.timeout(500) });
    const pid = Number(/^ok (\d+)$/.exec(await res.text())?.[1]);
    return pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}
