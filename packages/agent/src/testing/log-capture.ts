/** A pino logger whose JSON lines are kept in memory, so tests can read what the agent told the operator. */
import { type Logger, pino } from 'pino';

/** Log records as parsed objects, plus the logger writing them. */
export function captureLogs(): { logger: Logger; records: Array<{ level: number; msg: string }> } {
  const records: Array<{ level: number; msg: string }> = [];
  const logger = pino({ level: 'debug' }, { write: (line: string) => records.push(JSON.parse(line)) });
  return { logger, records };
}
