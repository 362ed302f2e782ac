/**
 * Services the agent supervises itself: started from the config (program, arguments, environment,
 * working directory; no shell), stopped with SIGTERM and, after the grace time, SIGKILL, which is
 * the only signal a hung or stopped process obeys. A service that exits is not restarted by the
 * agent: it reports the exit (`service.up` 0) and the control plane decides, through a playbook,
 * what to do. Services live as long as the agent: stopping the agent stops them.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { closeSync, mkdirSync, openSync } from 'node:fs';
import path from 'node:path';
import type { MetricSample } from '@aurora/sdk';
import type { CompiledService } from './config.js';
import { describeError, failed, type Outcome, succeeded } from './outcome.js';

export interface ServiceStatus {
  name: string;
  state: 'running' | 'stopped' | 'exited';
  /** The last health check's verdict (undefined without a check, or before the first). */
  healthy: boolean | undefined;
  pid: number | undefined;
  restarts: number;
  lastExit: { code: number | null; signal: string | null; at: number } | undefined;
}

interface Supervised {
  config: CompiledService;
  child: ChildProcess | undefined;
  exited: Promise<void> | undefined;
  stopping: boolean;
  restarts: number;
  lastExit: ServiceStatus['lastExit'];
  /** Result of the last health check of the current process; undefined before its first. */
  healthy: boolean | undefined;
}

export class ServiceSupervisor {
  readonly #services = new Map<string, Supervised>();
  /** One operation at a time per service, so a restart never races a stop. */
  readonly #locks = new Map<string, Promise<unknown>>();

  constructor(
    services: ReadonlyMap<string, CompiledService>,
    private readonly clock: () => number,
    private readonly onExit: (name: string, code: number | null, signal: string | null) => void = () => {},
  ) {
    for (const [name, config] of services) {
      this.#services.set(name, {
        config,
        child: undefined,
        exited: undefined,
        stopping: false,
        restarts: 0,
        lastExit: undefined,
        healthy: undefined,
      });
    }
  }

  has(name: string): boolean {
    return this.#services.has(name);
  }

  #serial<T>(name: string, work: () => Promise<T>): Promise<T> {
    const previous = this.#locks.get(name) ?? Promise.resolve();
    const next = previous.then(work, work);
    this.#locks.set(
      name,
      next.catch(() => {}),
    );
    return next;
  }

  /** Starts every service marked autostart; failures are returned, never thrown. */
  async startAll(): Promise<Outcome[]> {
    const out: Outcome[] = [];
    for (const [name, s] of this.#services) if (s.config.autostart) out.push(await this.start(name));
    return out;
  }

  start(name: string): Promise<Outcome> {
    return this.#serial(name, () => this.#start(name));
  }

  stop(name: string): Promise<Outcome> {
    return this.#serial(name, () => this.#stop(name));
  }

  restart(name: string): Promise<Outcome> {
    return this.#serial(name, async () => {
      const stopped = await this.#stop(name);
      if (stopped.status !== 'succeeded') return stopped;
      const started = await this.#start(name);
      if (started.status !== 'succeeded') return started;
      const s = this.#get(name);
      s.restarts++;
      return succeeded({ ...started.details, previous: stopped.details, restarts: s.restarts });
    });
  }

  async stopAll(): Promise<void> {
    await Promise.all([...this.#services.keys()].map((name) => this.stop(name)));
  }

  #get(name: string): Supervised {
    const s = this.#services.get(name);
    if (!s) throw new Error(`no supervised service ${name}`);
    return s;
  }

  async #start(name: string): Promise<Outcome> {
    const s = this.#get(name);
    if (s.child && s.child.exitCode === null && s.child.signalCode === null) {
      return succeeded({ service: name, pid: s.child.pid, already: 'running' });
    }
    const { config } = s;
    let fd: number;
    try {
      mkdirSync(path.dirname(config.log), { recursive: true, mode: 0o700 });
      fd = openSync(config.log, 'a', 0o600);
    } catch (error) {
      return failed('error', `cannot open the service log ${config.log}: ${describeError(error)}`, { service: name });
    }
    try {
      const child = spawn(config.command, [...config.args], {
        cwd: config.cwd,
        // Only PATH is inherited: a service sees what its config gives it, not the agent's secrets.
        env: { ...(process.env.PATH ? { PATH: process.env.PATH } : {}), ...config.env },
        stdio: ['ignore', fd, fd],
        shell: false,
      });
      const spawned = await Promise.race([
        once(child, 'spawn').then(() => undefined),
        once(child, 'error').then(([error]) => error as Error),
      ]);
      if (spawned)
        return failed('error', `cannot start ${config.command}: ${describeError(spawned)}`, { service: name });
      s.child = child;
      s.stopping = false;
      s.healthy = undefined;
      s.exited = new Promise((resolve) => {
        child.once('exit', (code, signal) => {
          s.lastExit = { code, signal, at: this.clock() };
          if (!s.stopping) this.onExit(name, code, signal);
          resolve();
        });
      });
      return succeeded({ service: name, pid: child.pid });
    } finally {
      closeSync(fd); // the child holds its own copy
    }
  }

  async #stop(name: string): Promise<Outcome> {
    const s = this.#get(name);
    const child = s.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) {
      return succeeded({ service: name, already: 'stopped' });
    }
    s.stopping = true;
    const pid = child.pid;
    child.kill('SIGTERM');
    // A stopped (SIGSTOP) process holds SIGTERM until it runs again; let it run so it can exit cleanly.
    child.kill('SIGCONT');
    let timer: NodeJS.Timeout | undefined;
    const graceful = await Promise.race([
      s.exited?.then(() => true),
      new Promise<boolean>((resolve) => {
        timer = setTimeout(() => resolve(false), s.config.stopTimeoutMs);
      }),
    ]);
    clearTimeout(timer);
    if (!graceful) {
      child.kill('SIGKILL');
      await s.exited;
    }
    return succeeded({ service: name, pid, stoppedWith: graceful ? 'SIGTERM' : 'SIGKILL' });
  }

  statuses(): ServiceStatus[] {
    return [...this.#services.values()].map((s) => {
      const running = !!s.child && s.child.exitCode === null && s.child.signalCode === null;
      return {
        name: s.config.name,
        state: running ? 'running' : s.child ? 'exited' : 'stopped',
        pid: running ? s.child?.pid : undefined,
        restarts: s.restarts,
        lastExit: s.lastExit,
        healthy: running ? s.healthy : undefined,
      };
    });
  }

  /** Runs the health checks of running services, all at once, each bounded by its timeout. */
  async probe(): Promise<void> {
    await Promise.all(
      [...this.#services.values()].map(async (s) => {
        const check = s.config.check;
        const child = s.child;
        if (!check || !child || child.exitCode !== null || child.signalCode !== null) return;
        let ok = false;
        try {
          const res = await fetch(check.url, { signal: AbortSignal.timeout(check.timeoutMs), redirect: 'manual' });
          await res.body?.cancel();
          ok = res.status >= 200 && res.status < 400;
        } catch {
          ok = false;
        }
        if (s.child === child) s.healthy = ok; // not a process that was replaced meanwhile
      }),
    );
  }

  /**
   * `service.up` (1 when running and its last health check, if it has one, passed; else 0) and
   * `service.restarts` per supervised service.
   */
  samples(ts: number): MetricSample[] {
    return this.statuses().flatMap((st) => [
      {
        ts,
        name: 'service.up',
        value: st.state === 'running' && st.healthy !== false ? 1 : 0,
        labels: { service: st.name },
      },
      { ts, name: 'service.restarts', value: st.restarts, labels: { service: st.name } },
    ]);
  }
}
