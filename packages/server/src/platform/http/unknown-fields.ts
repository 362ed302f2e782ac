/** The parts of a JSON schema the walk reads. */
interface Schema {
  $ref?: string;
  type?: string | string[];
  properties?: Record<string, Schema>;
  patternProperties?: Record<string, Schema>;
  additionalProperties?: boolean | Schema;
  required?: string[];
  items?: Schema | Schema[];
  prefixItems?: Schema[];
  allOf?: Schema[];
  anyOf?: Schema[];
  oneOf?: Schema[];
}

type Refs = ReadonlyMap<string, unknown>;

const patterns = new Map<string, RegExp>();
function pattern(source: string): RegExp {
  let re = patterns.get(source);
  if (!re) {
    re = new RegExp(source, 'u');
    patterns.set(source, re);
  }
  return re;
}

function resolve(schema: Schema, refs: Refs): Schema | undefined {
  let s: Schema | undefined = schema;
  for (let depth = 0; s?.$ref !== undefined && depth < 8; depth++) s = refs.get(s.$ref) as Schema | undefined;
  return s;
}

/** The schemas that may declare a property of an object: the schema itself and the members of an `allOf`. */
function objectParts(schema: Schema, value: Record<string, unknown>, refs: Refs): Schema[] | undefined {
  if (schema.allOf) {
    const parts: Schema[] = [];
    for (const member of schema.allOf) {
      const r = resolve(member, refs);
      if (!r) return undefined;
      const sub = objectParts(r, value, refs);
      if (!sub) return undefined;
      parts.push(...sub);
    }
    return parts;
  }
  const choices = schema.anyOf ?? schema.oneOf;
  if (choices) {
    // A union is walked only when exactly one object branch fits the required keys; otherwise nothing is removed.
    const fitting = choices
      .map((c) => resolve(c, refs))
      .filter((c): c is Schema => c?.properties !== undefined && (c.required ?? []).every((k) => k in value));
    return fitting.length === 1 ? objectParts(fitting[0] as Schema, value, refs) : undefined;
  }
  return schema.properties || schema.patternProperties || schema.additionalProperties !== undefined
    ? [schema]
    : undefined;
}

/** The schema that governs `key` among `parts`; `null` when none does and the key is unknown. */
function propertySchema(parts: Schema[], key: string): Schema | true | null {
  for (const part of parts) {
    const declared = part.properties?.[key];
    if (declared) return declared;
    for (const [source, sub] of Object.entries(part.patternProperties ?? {})) {
      if (pattern(source).test(key)) return sub;
    }
  }
  for (const part of parts) {
    const extra = part.additionalProperties;
    if (extra === true) return true;
    if (extra && typeof extra === 'object') return extra;
  }
  return null;
}

function walk(schema: Schema, value: unknown, path: string, refs: Refs, out: string[]): void {
  const s = resolve(schema, refs);
  if (!s || value === null || typeof value !== 'object') return;
  if (Array.isArray(value)) {
    const tuple = Array.isArray(s.items) ? s.items : s.prefixItems;
    const items = Array.isArray(s.items) ? undefined : s.items;
    for (let i = 0; i < value.length; i++) {
      const sub = tuple?.[i] ?? items;
      if (sub) walk(sub, value[i], path ? `${path}.${i}` : String(i), refs, out);
    }
    return;
  }
  const object = value as Record<string, unknown>;
  const parts = objectParts(s, object, refs);
  if (!parts) return;
  for (const key of Object.keys(object)) {
    const at = path ? `${path}.${key}` : key;
    const sub = propertySchema(parts, key);
    if (sub === null) {
      out.push(at);
      delete object[key];
    } else if (sub !== true) {
      walk(sub, object[key], at, refs, out);
    }
  }
}

/**
 * Removes from a body that its schema accepted every property the schema
 * does not declare, and returns their dotted paths (`facts.isAdmin`,
 * `batches.0.nodeId`). Objects with `patternProperties` (label maps) keep
 * their keys; inside a union the walk goes on only where exactly one object
 * branch fits, so nothing a branch declares is removed.
 */
export function stripUnknownFields(schema: unknown, body: unknown, refs: Refs = new Map()): string[] {
  const out: string[] = [];
  walk(schema as Schema, body, '', refs, out);
  return out;
}
