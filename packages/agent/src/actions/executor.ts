/**
 * Runs the actions the control plane sends, one at a time, each checked against the allow-list
 * first and journalled before and after it runs (so an id is acted on at most once, across
 * restarts too). Anything not on the allow-list is refused with a structured reason.
 */
import {
  AGENT_ACTION_KINDS,
  AgentAction,
  type AgentActionKind,
  AgentActionParams,
  type AgentActionResult,
} from '@aurora/sdk';
import { Value } from '@sinclair/typebox/value';
import type { Logger } from 'pino';
import { cleanPath } from './clean-path.js';
import type { CompiledActions } from './config.js';
import { ActionJournal } from './journal.js';
import { killByCgroup, killByName } from './kill.js';
import { describeError, failed, type Outcome, refused } from './outcome.js';
import { rotateLog } from './rotate-logs.js';
import { ServiceSupervisor } from './supervisor.js';
import { systemctl } from './systemd.js';
import { AllowListWatch } from './watch.js';

export interface ActionExecutorOptions {
  stateDir: string;
  actions: CompiledActions;
  clock: () => number;
  logger: Logger;
  /** Called when a result is ready to report (the agent then heartbeats at once). */
  onResult?: () => void;
}

/** Results sent with one heartbeat (the contract's limit). */
export const MAX_RESULTS_PER_HEARTBEAT = 64;

export class ActionExecutor {
  readonly supervisor: ServiceSupervisor;
  /** Metrics of the cleanup roots and killable processes, sent with every collection. */
  readonly watch: AllowListWatch;
  readonly #inFlight = new Map<string, Promise<AgentActionResult>>();
  #queue: Promise<unknown> = Promise.resolve();

  private constructor(
    private readonly o: ActionExecutorOptions,
    private readonly journal: ActionJournal,
  ) {
    this.supervisor = new ServiceSupervisor(o.actions.services, o.clock, (name, code, signal) =>
      o.logger.warn({ service: name, code, signal }, 'supervised service exited'),
    );
    this.watch = new AllowListWatch(o.actions);
  }

  static async open(o: ActionExecutorOptions): Promise<ActionExecutor> {
    const { journal, error } = await ActionJournal.open(o.stateDir);
    if (error) o.logger.warn(error);
    return new ActionExecutor(o, journal);
  }

  /**
   * Runs an action (as received, unchecked) unless its id was seen before, and resolves with its
   * result. Concurrent calls with one id share one run.
   */
  run(raw: unknown): Promise<AgentActionResult> {
    const id = (raw as { id?: unknown })?.id;
    if (typeof id !== 'string' || id.length === 0 || id.length > 128) {
      return Promise.reject(new Error('an action without a valid id cannot be answered'));
    }
    const running = this.#inFlight.get(id);
    if (running) return running;
    const seen = this.journal.get(id);
    if (seen?.result) {
      return this.journal.reopen(id).then(() => seen.result as AgentActionResult);
    }
    const done = (async () => {
      if (seen) {
        // Begun before the agent stopped and never finished: how far it got is unknown, so it is not repeated.
        return this.#finish(
          id,
          failed('interrupted', 'the agent stopped while this action ran; it is not run again under the same id'),
        );
      }
      const outcome = await this.#serially(async () => {
        const checked = this.#check(raw);
        if ('status' in checked) return checked;
        await this.journal.begin(id, checked.kind, this.o.clock());
        try {
          return await this.#act(checked);
        } catch (error) {
          return failed('error', describeError(error));
        }
      });
      return this.#finish(id, outcome);
    })();
    this.#inFlight.set(id, done);
    void done.finally(() => this.#inFlight.delete(id)).catch(() => {});
    return done;
  }

  /** Accepts actions from a heartbeat answer; they run in the background, in order. */
  submit(actions: readonly unknown[]): void {
    for (const action of actions) {
      this.run(action).catch((error: unknown) => this.o.logger.warn({ err: describeError(error) }, 'action ignored'));
    }
  }

  unreported(): AgentActionResult[] {
    return this.journal.unreported(MAX_RESULTS_PER_HEARTBEAT);
  }

  markReported(ids: readonly string[]): Promise<void> {
    return this.journal.markReported(ids);
  }

  async stop(): Promise<void> {
    await this.#queue.catch(() => {});
    await this.supervisor.stopAll();
    await this.journal.flush();
  }

  #serially<T>(work: () => Promise<T>): Promise<T> {
    const next = this.#queue.then(work, work);
    this.#queue = next.catch(() => {});
    return next;
  }

  async #finish(id: string, outcome: Outcome): Promise<AgentActionResult> {
    const result: AgentActionResult = {
      id,
      status: outcome.status,
      details: outcome.details,
      finishedAt: this.o.clock(),
    };
    await this.journal.finish(result);
    this.o.logger.info({ action: id, status: result.status, details: result.details }, 'action finished');
    this.o.onResult?.();
    return result;
  }

  /** The action's shape (the SDK's schema) and the allow-list; a refusal, or the action to run. */
  #check(raw: unknown): AgentAction | Outcome {
    const { kind, params } = raw as { kind?: unknown; params?: unknown };
    if (typeof kind !== 'string' || !(AGENT_ACTION_KINDS as string[]).includes(kind)) {
      return refused('invalid', `kind must be one of ${AGENT_ACTION_KINDS.join(', ')}`, 'kind');
    }
    const schema = AgentActionParams[kind as AgentActionKind];
    const first = Value.Errors(schema, params).First();
    if (first) {
      const field = `params${first.path.replaceAll('/', '.')}`;
      return refused('invalid', `${kind}: ${field}: ${first.message}`, field);
    }
    if (!Value.Check(AgentAction, raw)) return refused('invalid', 'an action has exactly id, kind and params');
    const action = raw as AgentAction;
    const a = this.o.actions;
    switch (action.kind) {
      case 'restart-service':
      case 'start-service':
      case 'stop-service': {
        const { service } = action.params;
        if (!this.supervisor.has(service) && !a.systemd.has(service)) {
          return refused(
            'not-allowed',
            `service ${service} is neither supervised by this agent nor an allowed systemd unit`,
            'params.service',
          );
        }
        return action;
      }
      case 'clean-path':
        return action; // the roots are checked against the real file system when it runs
      case 'kill-process': {
        const { name, cgroup } = action.params;
        if ((name === undefined) === (cgroup === undefined)) {
          return refused('invalid', 'give exactly one of name or cgroup', 'params');
        }
        if (name !== undefined && !a.killNames.has(name)) {
          return refused('not-allowed', `process name ${name} is not in kill.names`, 'params.name');
        }
        if (cgroup !== undefined && !a.killCgroups.has(cgroup)) {
          return refused('not-allowed', `cgroup ${cgroup} is not in kill.cgroups`, 'params.cgroup');
        }
        return action;
      }
      case 'rotate-logs':
        if (!a.logs.has(action.params.log)) {
          return refused('not-allowed', `log ${action.params.log} is not in logs`, 'params.log');
        }
        return action;
    }
  }

  async #act(action: AgentAction): Promise<Outcome> {
    const now = this.o.clock();
    switch (action.kind) {
      case 'restart-service':
      case 'start-service':
      case 'stop-service': {
        const { service } = action.params;
        const verb = action.kind === 'restart-service' ? 'restart' : action.kind === 'start-service' ? 'start' : 'stop';
        if (this.supervisor.has(service)) return this.supervisor[verb](service);
        return systemctl(verb, service);
      }
      case 'clean-path':
        return cleanPath(action.params, this.o.actions.cleanRoots, now);
      case 'kill-process': {
        const signal = action.params.signal ?? 'SIGKILL';
        if (action.params.name !== undefined) return killByName(action.params.name, signal);
        return killByCgroup(action.params.cgroup ?? '', signal);
      }
      case 'rotate-logs': {
        const log = this.o.actions.logs.get(action.params.log);
        return log
          ? rotateLog(log, now)
          : refused('not-allowed', `log ${action.params.log} is not in logs`, 'params.log');
      }
    }
  }
}
