/**
 * Aurora's node agent: runs on every machine of the fleet, reports its facts
 * and metrics to the control plane and keeps them safe while it is away.
 *
 * @example
 * import { startAgent } from '@aurora/agent';
 * const agent = await startAgent({ server: 'http://127.0.0.1:7070', token: process.env.AURORA_JOIN_TOKEN, stateDir: '.aurora/agent' });
 */
export { type ActionsConfig, compileActions } from './actions/config.js';
export { type AgentOptions, type CompiledAgentOptions, compileAgentOptions } from './agent/options.js';
export { type RunningAgent, startAgent } from './agent/start-agent.js';
export type { AgentStats } from './agent/stats.js';
export { BatchBuffer, type TakeLimits } from './buffer/batch-buffer.js';
export { collectFacts, type FactsOptions } from './collect/facts.js';
export { createSystemMetricsSource, type MetricsSource, type SystemMetricsOptions } from './collect/metrics.js';
export { CounterRates, type CpuTimes, cpuUsagePct } from './collect/rates.js';
export { CREDENTIAL_FILE, credentialPath, loadCredential, type StoredCredential } from './identity/credential-store.js';
export { nodeNameFromHostname, validateNodeName } from './identity/node-name.js';
export { type BackoffPolicy, backoffCeiling, backoffDelay } from './loop/backoff.js';
export type { AgentRuntime, Clock, Random, Sleep } from './runtime/runtime.js';
export { AGENT_VERSION } from './version.js';
