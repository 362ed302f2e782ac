import type { AuroraEvent } from '@aurora/sdk';

/** Listener of events of one type, or of all types. */
export type EventListener<E extends AuroraEvent = AuroraEvent> = (event: E) => void;

/**
 * The in-process typed event bus capabilities publish to and the SSE route
 * reads from. Listeners run synchronously and must not throw.
 *
 * Events published here happened in this process; events another replica relays
 * ({@link EventBus.deliverRelayed}) reach the same listeners, but not the ones that
 * watch only this process's own events (the relay itself), so nothing is sent back.
 */
export class EventBus {
  #listeners = new Set<EventListener>();
  #ownListeners = new Set<EventListener>();

  publish(event: AuroraEvent): void {
    deliver(this.#ownListeners, event);
    deliver(this.#listeners, event);
  }

  /** Delivers an event that happened in another replica to every listener but the own-event ones. */
  deliverRelayed(event: AuroraEvent): void {
    deliver(this.#listeners, event);
  }

  /** Subscribes to every event, wherever it happened; returns the function that unsubscribes. */
  subscribe(listener: EventListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Subscribes to the events published in this process only. */
  subscribeOwn(listener: EventListener): () => void {
    this.#ownListeners.add(listener);
    return () => this.#ownListeners.delete(listener);
  }

  /** Listeners of either kind: publishers skip building events nobody would receive. */
  get listenerCount(): number {
    return this.#listeners.size + this.#ownListeners.size;
  }
}

function deliver(listeners: Set<EventListener>, event: AuroraEvent): void {
  for (const listener of listeners) {
    try {
      listener(event);
    } catch {
      // A faulty listener must not stop delivery to the others.
    }
  }
}
