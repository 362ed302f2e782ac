import { tryParseDuration } from '@aurora/core';
import { ALERT_REFERENCE, PlaybookSpec } from '@aurora/sdk';
import { Value } from '@sinclair/typebox/value';
import { parse as parseYaml } from 'yaml';
import { AuroraError } from '../../platform/http/errors.js';

const DAY_MS = 24 * 60 * 60_000;

/** Where in the YAML a problem is, as a dotted path (`steps.2.wait`). */
function dotted(pointer: string): string {
  return pointer.replace(/^\//, '').replaceAll('/', '.') || '(document)';
}

function refuse(field: string, detail: string): never {
  throw new AuroraError('AURORA_VALIDATION_FAILED', `yaml: ${field}: ${detail}`, 'yaml');
}

function checkDuration(field: string, raw: string, minMs: number): void {
  const ms = tryParseDuration(raw);
  if (ms === undefined || ms < minMs || ms > DAY_MS) {
    refuse(field, `"${raw.slice(0, 16)}" must be a duration from ${minMs / 1000}s to 24h, e.g. 2m`);
  }
}

/**
 * Parses and validates a playbook written in YAML: the TypeBox schema (every field named, nothing
 * unknown), durations from 1 s to 24 h, and a trigger that selects something (a playbook that
 * matched every alert would act on anything). Throws a 400 naming the field at fault.
 */
export function parsePlaybook(yaml: string): PlaybookSpec {
  let doc: unknown;
  try {
    doc = parseYaml(yaml, { maxAliasCount: 100 });
  } catch (error) {
    refuse('(document)', `not valid YAML (${error instanceof Error ? error.message.split('\n')[0] : String(error)})`);
  }
  const first = Value.Errors(PlaybookSpec, doc).First();
  if (first) refuse(dotted(first.path), first.message);
  const spec = doc as PlaybookSpec;
  if (Object.keys(spec.trigger.alert).length === 0) {
    refuse('trigger.alert', 'must name at least one of metric, node, labels or rule');
  }
  spec.steps.forEach((step, i) => {
    if ('wait' in step) checkDuration(`steps.${i}.wait`, step.wait, 1000);
    if ('verify' in step) checkDuration(`steps.${i}.within`, step.within, 1000);
    if ('agent' in step && step.timeout !== undefined) checkDuration(`steps.${i}.timeout`, step.timeout, 1000);
    if (
      'agent' in step &&
      step.agent.action === 'clean-path' &&
      !ALERT_REFERENCE.test(step.agent.olderThan) &&
      tryParseDuration(step.agent.olderThan) === undefined
    ) {
      refuse(
        `steps.${i}.agent.olderThan`,
        `"${step.agent.olderThan.slice(0, 16)}" must be a duration such as 1h or 7d`,
      );
    }
  });
  spec.approval?.levels.forEach((level, i) => {
    const named = (level.roles?.length ?? 0) + (level.teams?.length ?? 0) + (level.users?.length ?? 0);
    // A level that named nobody would let anyone with run.approve decide: say who.
    if (named === 0) refuse(`approval.levels.${i}`, 'must name at least one of roles, teams or users');
    const required = level.required ?? 1;
    if (level.users?.length && !level.roles?.length && !level.teams?.length && required > level.users.length) {
      refuse(
        `approval.levels.${i}.required`,
        `${required} approvals cannot come from ${level.users.length} named users`,
      );
    }
  });
  if (spec.approval?.expiresAfter !== undefined)
    checkDuration('approval.expiresAfter', spec.approval.expiresAfter, 1000);
  if (spec.cooldown !== undefined) checkDuration('cooldown', spec.cooldown, 1000);
  if (spec.rateLimit) checkDuration('rateLimit.window', spec.rateLimit.window, 1000);
  return spec;
}
