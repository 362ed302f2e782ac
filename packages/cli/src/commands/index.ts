import type { CommandSpec } from '../args.js';
import { adminCommand, runAdmin } from './admin.js';
import { agentCommand, runAgent } from './agent.js';
import { auditCommand, runAudit } from './audit.js';
import { backupCommand, runBackup } from './backup.js';
import { complianceCommand, runCompliance } from './compliance.js';
import { nodeCommand, runNode } from './node.js';
import { nodesCommand, runNodes } from './nodes.js';
import { policiesCommand, runPolicies } from './policies.js';
import { predictionsCommand, runPredictions } from './predictions.js';
import { proxyCommand, runProxy } from './proxy.js';
import { restoreCommand, runRestore } from './restore.js';
import { runRuns, runsCommand } from './runs.js';
import { runServer, serverCommand } from './server.js';
import { runToken, tokenCommand } from './token.js';
import { runUp, upCommand } from './up.js';

/** A verb of the `aurora` command: its spec (flags, help) and what it does. */
export interface Command {
  spec: CommandSpec;
  run(argv: string[], env: NodeJS.ProcessEnv): Promise<string>;
}

export const commands: Command[] = [
  { spec: upCommand, run: runUp },
  { spec: serverCommand, run: runServer },
  { spec: agentCommand, run: runAgent },
  { spec: nodesCommand, run: runNodes },
  { spec: nodeCommand, run: runNode },
  { spec: predictionsCommand, run: runPredictions },
  { spec: runsCommand, run: runRuns },
  { spec: tokenCommand, run: runToken },
  { spec: proxyCommand, run: runProxy },
  { spec: auditCommand, run: runAudit },
  { spec: policiesCommand, run: runPolicies },
  { spec: backupCommand, run: runBackup },
  { spec: restoreCommand, run: runRestore },
  { spec: complianceCommand, run: runCompliance },
  { spec: adminCommand, run: runAdmin },
];
