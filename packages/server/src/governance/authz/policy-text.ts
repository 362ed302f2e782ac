import * as cedar from '@cedar-policy/cedar-wasm/nodejs';
import { CEDAR_SCHEMA } from './schema.js';

/** One policy of a compiled set. */
export interface PolicyInfo {
  id: string;
  effect: 'permit' | 'forbid';
  /** Annotated `@approval("required")`: a deny by it alone means needs-approval. */
  approval: boolean;
  text: string;
  /** The stored policy document it came from (see {@link PolicyDocument}). */
  document: string;
}

/** A named text of one or more Cedar policies, as stored and versioned. */
export interface PolicyDocument {
  id: string;
  text: string;
}

/** One of Cedar's messages, placed in the document it is about when Cedar says where. */
export interface PolicyProblem {
  message: string;
  document?: string;
  /** 1-based line and column in the document's text. */
  line?: number;
  column?: number;
}

/** A policy set Cedar refused, with Cedar's own messages. */
export class PolicyValidationError extends Error {
  readonly messages: string[];
  constructor(readonly problems: PolicyProblem[]) {
    const messages = problems.map(describeProblem);
    super(messages.join('\n'));
    this.messages = messages;
    this.name = 'PolicyValidationError';
  }
}

function describeProblem(p: PolicyProblem): string {
  const where = p.document ? `${p.document}${p.line ? `:${p.line}:${p.column}` : ''}: ` : '';
  return `${where}${p.message}`;
}

export function formatError(error: cedar.DetailedError): string {
  const labels = (error.sourceLocations ?? []).map((l) => l.label).filter((l): l is string => !!l);
  const detail = [...labels, ...(error.help ? [error.help] : [])];
  return detail.length > 0 ? `${error.message} (${detail.join('; ')})` : error.message;
}

/** Cedar's error as a problem; `base` is where the text Cedar saw starts in the document's text. */
export function problem(error: cedar.DetailedError, document?: PolicyDocument, base = 0, prefix = ''): PolicyProblem {
  const out: PolicyProblem = { message: `${prefix}${formatError(error)}` };
  if (!document) return out;
  out.document = document.id;
  const start = error.sourceLocations?.[0]?.start;
  if (start === undefined || base < 0) return out;
  const before = document.text.slice(0, base + start).split('\n');
  out.line = before.length;
  out.column = (before.at(-1)?.length ?? 0) + 1;
  return out;
}

export interface ParsedPolicy extends PolicyInfo {
  /** Where its text starts in its document's text (-1 when Cedar gave it back reworded). */
  offset: number;
}

/**
 * Splits a document into policies, each named by its `@id` annotation, else by the document's id
 * (with `#n` when it holds several).
 */
function parseDocument(doc: PolicyDocument): ParsedPolicy[] {
  const key = `${doc.id}\u0000${doc.text}`;
  const cached = parsedCache.get(key);
  if (cached) return cached;
  const parsed = parseDocumentText(doc);
  remember(parsedCache, key, parsed);
  return parsed;
}

function parseDocumentText(doc: PolicyDocument): ParsedPolicy[] {
  const parts = cedar.policySetTextToParts(doc.text);
  if (parts.type !== 'success') throw new PolicyValidationError(parts.errors.map((e) => problem(e, doc)));
  if (parts.policy_templates.length > 0) {
    throw new PolicyValidationError([
      { message: 'policy templates are not supported; write static policies', document: doc.id },
    ]);
  }
  if (parts.policies.length === 0) {
    throw new PolicyValidationError([{ message: 'the text holds no policy', document: doc.id }]);
  }
  let searchFrom = 0;
  return parts.policies.map((policyText, i) => {
    const offset = doc.text.indexOf(policyText, searchFrom);
    if (offset >= 0) searchFrom = offset + policyText.length;
    const json = cedar.policyToJson(policyText);
    if (json.type !== 'success') throw new PolicyValidationError(json.errors.map((e) => problem(e, doc, offset)));
    const fallback = parts.policies.length === 1 ? doc.id : `${doc.id}#${i + 1}`;
    return {
      id: json.json.annotations?.id ?? fallback,
      effect: json.json.effect,
      approval: json.json.annotations?.approval === 'required',
      text: policyText,
      document: doc.id,
      offset,
    };
  });
}

/**
 * Cedar's parse and strict validation take milliseconds per policy (validation most: about 4 ms each
 * on a loaded two-core machine), and a change recompiles the whole set twice (as a candidate, then in
 * force). Both depend on a policy's text alone, so results are kept by text and only new text is
 * checked. Bounded: past the limit a cache starts again empty.
 */
const CACHE_LIMIT = 4_096;
const parsedCache = new Map<string, ParsedPolicy[]>();
/** Cedar's validation errors of a policy text against the schema; empty when it validates. */
const validatedCache = new Map<string, cedar.DetailedError[]>();
let schemaJson: cedar.Schema | undefined;

function remember<V>(cache: Map<string, V>, key: string, value: V): void {
  if (cache.size >= CACHE_LIMIT) cache.clear();
  cache.set(key, value);
}

/**
 * Validates every policy against the schema in strict mode; throws {@link PolicyValidationError}
 * with Cedar's messages, placed in their documents.
 */
export function validatePolicies(parsed: readonly ParsedPolicy[], docs: readonly PolicyDocument[]): void {
  // Each text's errors are looked up here, before new ones are remembered: remembering can empty the
  // cache, and a text whose errors were dropped would then pass as valid.
  const verdicts = new Map<string, cedar.DetailedError[]>();
  const fresh: string[] = [];
  for (const text of new Set(parsed.map((p) => p.text))) {
    const known = validatedCache.get(text);
    if (known) verdicts.set(text, known);
    else fresh.push(text);
  }
  if (fresh.length > 0) {
    if (!schemaJson) {
      // The schema is parsed once, not on every validation.
      const answer = cedar.schemaToJson(CEDAR_SCHEMA);
      if (answer.type !== 'success') throw new PolicyValidationError(answer.errors.map((e) => problem(e)));
      schemaJson = answer.json;
    }
    const record: Record<string, string> = {};
    fresh.forEach((text, i) => {
      record[`p${i}`] = text;
    });
    const answer = cedar.validate({
      schema: schemaJson,
      policies: { staticPolicies: record },
      validationSettings: { mode: 'strict' },
    });
    if (answer.type !== 'success') throw new PolicyValidationError(answer.errors.map((e) => problem(e)));
    const errors = new Map<string, cedar.DetailedError[]>(fresh.map((t) => [t, []]));
    for (const e of answer.validationErrors) {
      errors.get(record[e.policyId] as string)?.push(e.error);
    }
    for (const [text, list] of errors) {
      verdicts.set(text, list);
      remember(validatedCache, text, list);
    }
  }
  const textOf = new Map(docs.map((d) => [d.id, d]));
  const problems = parsed.flatMap((p) =>
    (verdicts.get(p.text) ?? []).map((e) => problem(e, textOf.get(p.document), p.offset, `policy "${p.id}": `)),
  );
  if (problems.length > 0) throw new PolicyValidationError(problems);
}

/** Parses every document, checking that policy ids are unique across the set. */
export function parseDocuments(docs: readonly PolicyDocument[]): ParsedPolicy[] {
  const all: ParsedPolicy[] = [];
  const seen = new Map<string, string>();
  for (const doc of docs) {
    for (const p of parseDocument(doc)) {
      const other = seen.get(p.id);
      if (other !== undefined) {
        const where = other === doc.id ? 'this document' : `document "${other}"`;
        throw new PolicyValidationError([
          {
            message: `@id("${p.id}") is also the id of a policy in ${where}; policy ids must be unique`,
            document: doc.id,
          },
        ]);
      }
      seen.set(p.id, doc.id);
      all.push(p);
    }
  }
  return all;
}
