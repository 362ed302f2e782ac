export { type Controller, ControllerRunner } from './controllers.js';
export { type Leadership, SingleProcessLeadership } from './leadership.js';
