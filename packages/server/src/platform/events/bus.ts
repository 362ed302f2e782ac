import type { AuroraEvent } from '@aurora/sdk';

/** Listener of events of one type, or of all types. */
export type EventListener<E extends AuroraEvent = AuroraEvent> = (event: E) => void;

/**
 * The in-process typed event bus capabilities publish to and the SSE route
 * reads from. Listeners run synchronously and must not throw.
 */
export class EventBus {
  #listeners = new Set<EventListener>();

  publish(event: AuroraEvent): void {
    for (const listener of this.#listeners) {
      try {
        listener(event);
      } catch {
        // A faulty listener must not stop delivery to the others.
      }
    }
  }

  /** Subscribes to every event; returns the function that unsubscribes. */
  subscribe(listener: EventListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  get listenerCount(): number {
    return this.#listeners.size;
  }
}
