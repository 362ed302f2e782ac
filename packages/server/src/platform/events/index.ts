export { EventBus, type EventListener } from './bus.js';
export { EventRelay, packEvents, relayChannel } from './relay.js';
export { registerEventsRoute } from './sse-route.js';
