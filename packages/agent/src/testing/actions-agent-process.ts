/**
 * Runs one agent with an allow-list as its own process, for end-to-end action tests: configured by
 * the JSON in AURORA_TEST_AGENT (agent options, actions included). It collects only a sequence
 * sample besides its services' state, so the test machine's own metrics do not slow it down.
 */
import { pino } from 'pino';
import { type AgentOptions, startAgent } from '../index.js';
import { SequenceSource } from './sequence-source.js';

const options = JSON.parse(process.env.AURORA_TEST_AGENT ?? '{}') as AgentOptions;
const agent = await startAgent({
  ...options,
  metrics: new SequenceSource(),
  logger: pino({ level: 'warn' }, process.stderr),
});
process.stdout.write(`started ${agent.name}\n`);
process.once('SIGTERM', () => {
  void agent.stop().then(() => process.exit(0));
});
