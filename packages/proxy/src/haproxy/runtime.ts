import { connect } from 'node:net';
import type { ServiceView } from '../options.js';
import { backendName, haproxyWeight, serverName } from './config.js';

/** A Runtime API command HAProxy refused, with its answer. */
export class HaproxyRuntimeError extends Error {
  constructor(
    readonly command: string,
    readonly answer: string,
  ) {
    super(`HAProxy refused "${command}": ${answer.trim()}`);
  }
}

export type ServerAdminState = 'ready' | 'drain' | 'maint';

/**
 * HAProxy's Runtime API over its unix socket, one command per connection (the non-interactive mode). Changes apply
 * to the running process: no reload, no dropped connections.
 */
export class HaproxyRuntime {
  constructor(
    readonly socketPath: string,
    readonly timeoutMs = 2_000,
  ) {}

  /** Sends one command and returns HAProxy's answer. */
  command(command: string): Promise<string> {
    if (/[\r\n;]/.test(command))
      return Promise.reject(new Error('one Runtime API command at a time, without ; or newlines'));
    return new Promise((resolve, reject) => {
      const socket = connect(this.socketPath);
      let answer = '';
      socket.setEncoding('utf8');
      socket.setTimeout(this.timeoutMs, () =>
        socket.destroy(new Error(`HAProxy Runtime API did not answer "${command}"`)),
      );
      socket.on('connect', () => socket.write(`${command}\n`));
      socket.on('data', (d: string) => {
        answer += d;
      });
      socket.on('error', reject);
      socket.on('close', () => resolve(answer));
    });
  }

  async #expectEmpty(command: string): Promise<void> {
    const answer = await this.command(command);
    if (answer.trim() !== '') throw new HaproxyRuntimeError(command, answer);
  }

  setWeight(service: string, id: string, weight: number, largest = 256): Promise<void> {
    return this.#expectEmpty(
      `set server ${backendName(service)}/${serverName(id)} weight ${haproxyWeight(weight, largest)}`,
    );
  }

  /** `drain` takes no new connections but lets open ones finish; `maint` takes the server out; `ready` puts it back. */
  setState(service: string, id: string, state: ServerAdminState): Promise<void> {
    return this.#expectEmpty(`set server ${backendName(service)}/${serverName(id)} state ${state}`);
  }

  /**
   * Per-server state as `show servers state` reports it: operational state (2 is running), admin state bits (0x08 is
   * forced drain, 0x01 forced maintenance) and the user weight.
   */
  async servers(service: string): Promise<Map<string, { operational: number; admin: number; weight: number }>> {
    const text = await this.command(`show servers state ${backendName(service)}`);
    const out = new Map<string, { operational: number; admin: number; weight: number }>();
    for (const line of text.split('\n')) {
      if (line.startsWith('#') || line.trim() === '' || /^\d+$/.test(line.trim())) continue;
      // be_id be_name srv_id srv_name srv_addr srv_op_state srv_admin_state srv_uweight srv_iweight ...
      const f = line.trim().split(/\s+/);
      if (f.length < 8) continue;
      out.set(f[3]!, { operational: Number(f[5]), admin: Number(f[6]), weight: Number(f[7]) });
    }
    return out;
  }

  /**
   * Moves HAProxy to a new view of the service without a reload: weights follow the model, a weight of 0 drains.
   * Servers that are not in the running configuration cannot be added this way (that needs a reload with a new
   * haproxy.cfg); their ids are returned.
   */
  async apply(view: ServiceView): Promise<{ missing: string[] }> {
    const running = await this.servers(view.name);
    const largest = Math.max(1, ...view.backends.map((b) => b.weight));
    const missing: string[] = [];
    for (const b of view.backends) {
      if (!running.has(serverName(b.id))) {
        missing.push(b.id);
        continue;
      }
      if (b.weight === 0) await this.setState(view.name, b.id, 'drain');
      else {
        await this.setWeight(view.name, b.id, b.weight, largest);
        await this.setState(view.name, b.id, 'ready');
      }
    }
    const wanted = new Set(view.backends.map((b) => serverName(b.id)));
    for (const name of running.keys())
      if (!wanted.has(name)) await this.#expectEmpty(`set server ${backendName(view.name)}/${name} state maint`);
    return { missing };
  }
}
