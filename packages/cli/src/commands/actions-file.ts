import { readFileSync } from 'node:fs';
import { type ActionsConfig, compileActions } from '@aurora/agent';
import { parse as parseYaml } from 'yaml';
import { CliError } from '../cli-error.js';

/**
 * Reads and checks an agent's actions allow-list (`--actions FILE`), for `aurora agent` and the
 * local agent of `aurora up`. Checked here, before anything starts, so a typo in the file stops
 * the command with the file's name and the key at fault instead of a half-started control plane.
 */
export function readActionsFile(file: string, stateDir: string): ActionsConfig {
  let parsed: unknown;
  try {
    parsed = parseYaml(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new CliError(`cannot read the actions file ${file}: ${(error as Error).message}`, 'check --actions');
  }
  // An empty file is an empty allow-list, as no file is.
  const config = (parsed ?? {}) as ActionsConfig;
  try {
    compileActions(config, stateDir);
  } catch (error) {
    throw new CliError(
      `the actions file ${file} is invalid: ${(error as Error).message}`,
      'fix the key it names (see the agent README, "Actions: the allow-list")',
    );
  }
  return config;
}
