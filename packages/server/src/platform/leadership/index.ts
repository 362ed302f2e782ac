export { type Controller, ControllerRunner } from './controllers.js';
export {
  type ControllerDecision,
  type DecisionLog,
  decideFenced,
  decisionRecord,
  unrecordedDecisions,
} from './decisions.js';
export { type Leadership, SingleProcessLeadership } from './leadership.js';
export { LeaseLeadership, type LeaseOptions } from './lease-leadership.js';
export { AdvisoryLock, type SessionLock } from './session-lock.js';
