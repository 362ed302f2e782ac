/**
 * Runs one agent as its own process, for crash tests: configured by the JSON
 * in AURORA_TEST_AGENT, collecting a numbered sequence and printing each
 * number on stdout as it is collected, so the parent knows what must arrive.
 */
import { pino } from 'pino';
import { startAgent } from '../index.js';
import { SequenceSource } from './sequence-source.js';

const options = JSON.parse(process.env.AURORA_TEST_AGENT ?? '{}') as {
  server: string;
  token?: string;
  name?: string;
  stateDir: string;
  intervalMs: number;
  outboxSaveIntervalMs: number;
};

class PrintingSequence extends SequenceSource {
  override async collect() {
    const samples = await super.collect();
    process.stdout.write(`${samples[0]?.value}\n`);
    return samples;
  }
}

await startAgent({
  ...options,
  maxBackoffMs: options.intervalMs * 4,
  metrics: new PrintingSequence(),
  logger: pino({ level: 'warn' }, process.stderr),
});
