/**
 * The action journal: every action id the agent has seen, written to the state directory before
 * the action runs and again with its result, so a repeated id (a redelivery, or the same action
 * after the agent restarted) gets the first result back and nothing is done twice. An action that
 * was running when the agent died is not run again: it is answered `failed` / `interrupted`, since
 * the agent cannot know how far it got. Results not yet stored by the control plane are kept
 * marked unreported and sent with the next heartbeats.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { AgentActionResult } from '@aurora/sdk';
import { writePrivateFile } from '../state/private-file.js';

export const JOURNAL_FILE = 'actions.json';
/** Ids remembered; the oldest finished ones are forgotten beyond this. */
const MAX_ENTRIES = 5_000;

interface Entry {
  kind: string;
  startedAt: number;
  result?: AgentActionResult;
  reported?: boolean;
}

export class ActionJournal {
  #entries: Map<string, Entry>;
  #writing: Promise<void> = Promise.resolve();

  private constructor(
    private readonly file: string,
    entries: Map<string, Entry>,
  ) {
    this.#entries = entries;
  }

  /** Reads the journal of the state directory; a damaged file is reported and replaced. */
  static async open(stateDir: string): Promise<{ journal: ActionJournal; error?: string }> {
    const file = path.join(stateDir, JOURNAL_FILE);
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { journal: new ActionJournal(file, new Map()) };
      throw error;
    }
    try {
      const parsed = JSON.parse(text) as { entries?: Record<string, Entry> };
      return { journal: new ActionJournal(file, new Map(Object.entries(parsed.entries ?? {}))) };
    } catch (error) {
      return {
        journal: new ActionJournal(file, new Map()),
        error: `${file} was unreadable and is replaced; actions seen before may be answered again: ${String(error)}`,
      };
    }
  }

  get(id: string): Entry | undefined {
    return this.#entries.get(id);
  }

  /** Records that an action starts, and waits until that is on disk. */
  async begin(id: string, kind: string, now: number): Promise<void> {
    this.#entries.set(id, { kind, startedAt: now });
    await this.#save();
  }

  async finish(result: AgentActionResult): Promise<void> {
    const entry = this.#entries.get(result.id);
    this.#entries.set(result.id, {
      kind: entry?.kind ?? 'unknown',
      startedAt: entry?.startedAt ?? result.finishedAt,
      result,
    });
    await this.#save();
  }

  /** A result is owed to the control plane again (it redelivered the action, so it lacks it). */
  async reopen(id: string): Promise<void> {
    const entry = this.#entries.get(id);
    if (entry?.result && entry.reported) {
      entry.reported = false;
      await this.#save();
    }
  }

  unreported(limit: number): AgentActionResult[] {
    const out: AgentActionResult[] = [];
    for (const entry of this.#entries.values()) {
      if (entry.result && !entry.reported) out.push(entry.result);
      if (out.length >= limit) break;
    }
    return out;
  }

  async markReported(ids: readonly string[]): Promise<void> {
    let changed = false;
    for (const id of ids) {
      const entry = this.#entries.get(id);
      if (entry?.result && !entry.reported) {
        entry.reported = true;
        changed = true;
      }
    }
    if (changed) await this.#save();
  }

  #prune(): void {
    if (this.#entries.size <= MAX_ENTRIES) return;
    const finished = [...this.#entries.entries()]
      .filter(([, e]) => e.result && e.reported)
      .sort(([, a], [, b]) => a.startedAt - b.startedAt);
    for (const [id] of finished.slice(0, this.#entries.size - MAX_ENTRIES)) this.#entries.delete(id);
  }

  /** Writes are serialised and atomic (temp file, then rename), so a crash leaves the old or the new journal. */
  #save(): Promise<void> {
    this.#prune();
    const snapshot = JSON.stringify({ version: 1, entries: Object.fromEntries(this.#entries) });
    const write = () => writePrivateFile(this.file, snapshot);
    this.#writing = this.#writing.then(write, write);
    return this.#writing;
  }

  /** Waits for writes in flight. */
  flush(): Promise<void> {
    return this.#writing;
  }
}
