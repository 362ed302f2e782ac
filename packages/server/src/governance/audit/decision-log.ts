import { type DecisionLog, decisionRecord } from '../../platform/leadership/index.js';
import type { AuditLog } from './audit-log.js';

/** Controllers' decisions appended to `audit` inside the transaction that makes them. */
export function auditDecisionLog(audit: AuditLog): DecisionLog {
  return {
    async record(tx, controller, epoch, made) {
      await audit.appendIn(
        tx,
        made.map((d) => decisionRecord(controller, epoch, d)),
      );
    },
  };
}
