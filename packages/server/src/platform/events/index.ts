export { EventBus, type EventListener } from './bus.js';
export { registerEventsRoute } from './sse-route.js';
