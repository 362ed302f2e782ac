export { type Controller, ControllerRunner } from './controllers.js';
export { type Leadership, SingleProcessLeadership } from './leadership.js';
export { LeaseLeadership, type LeaseOptions } from './lease-leadership.js';
