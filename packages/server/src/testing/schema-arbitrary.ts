/**
 * fast-check arbitraries built from a route's own JSON schema (the TypeBox
 * schemas of the contract): values the schema accepts, and mutations of
 * them that it refuses. No library turns JSON Schema into fast-check
 * arbitraries for the keywords the contract uses (patternProperties with
 * propertyNames, exclusive bounds, TypeBox's Ref/Intersect), so this does,
 * and the property test checks every generated value with the server's own
 * validator compiler, so a generator mistake cannot pass unnoticed.
 */
import fc from 'fast-check';

/** A JSON schema as the contract writes it. */
export type Schema = Record<string, unknown>;
/** Shared schemas by $id, for `$ref`. */
export type Refs = ReadonlyMap<string, Schema>;

const MAX_SAFE = Number.MAX_SAFE_INTEGER;

function deref(schema: Schema, refs: Refs): Schema {
  let s = schema;
  for (let i = 0; i < 8 && typeof s.$ref === 'string'; i++) {
    const target = refs.get(s.$ref.replace(/^#/, ''));
    if (!target) throw new Error(`no shared schema for $ref ${s.$ref}`);
    s = target;
  }
  return s;
}

const num = (v: unknown): number | undefined => (typeof v === 'number' ? v : undefined);

/** Code points, as Ajv counts string lengths. */
const length = (s: string): number => [...s].length;

function stringArbitrary(s: Schema): fc.Arbitrary<string> {
  const min = num(s.minLength) ?? 0;
  const max = num(s.maxLength) ?? min + 40;
  const fits = (v: string) => length(v) >= min && length(v) <= max;
  if (s.format === 'date-time') {
    return fc.date({ min: new Date(0), max: new Date(4e12), noInvalidDate: true }).map((d) => d.toISOString());
  }
  if (typeof s.pattern === 'string') {
    // fast-check's sizes bound repetitions at about 10, 100 and 1,000: a size whose strings are mostly
    // shorter than minLength would leave the filter spinning forever (a join key needs 32 characters).
    const size = min <= 8 ? 'small' : min <= 80 ? 'medium' : 'large';
    return fc.stringMatching(new RegExp(s.pattern), { size }).filter(fits);
  }
  const upTo = Math.min(max, min + 24);
  const short = fc.oneof(
    fc.string({ minLength: min, maxLength: upTo }),
    fc.string({ minLength: min, maxLength: upTo, unit: 'grapheme' }).filter(fits),
  );
  // The longest string allowed, so limits are tried at their edge (bounded for speed).
  return max <= 4096 ? fc.oneof({ weight: 4, arbitrary: short }, fc.string({ minLength: max, maxLength: max })) : short;
}

function numberArbitrary(s: Schema): fc.Arbitrary<number> {
  const lo = num(s.exclusiveMinimum) ?? num(s.minimum);
  const hi = num(s.exclusiveMaximum) ?? num(s.maximum);
  if (s.type === 'integer') {
    const min = Math.ceil(Math.max(lo ?? -MAX_SAFE, -MAX_SAFE) + (s.exclusiveMinimum !== undefined ? 1 : 0));
    const max = Math.floor(Math.min(hi ?? MAX_SAFE, MAX_SAFE) - (s.exclusiveMaximum !== undefined ? 1 : 0));
    // fc.integer is limited to 32 bits; wider ranges are drawn as safe integers and clamped.
    if (min >= -(2 ** 31) && max < 2 ** 31) return fc.integer({ min, max });
    return fc.oneof(
      fc.constantFrom(min, max),
      fc.maxSafeInteger().map((v) => Math.min(max, Math.max(min, v))),
    );
  }
  return fc.double({
    noNaN: true,
    noDefaultInfinity: true,
    ...(lo !== undefined ? { min: lo, minExcluded: s.exclusiveMinimum !== undefined } : {}),
    ...(hi !== undefined ? { max: hi, maxExcluded: s.exclusiveMaximum !== undefined } : {}),
  });
}

/** Values `schema` accepts. */
export function validArbitrary(schema: Schema, refs: Refs, depth = 0): fc.Arbitrary<unknown> {
  const s = deref(schema, refs);
  if ('const' in s) return fc.constant(s.const);
  if (Array.isArray(s.enum)) return fc.constantFrom(...(s.enum as unknown[]));
  if (Array.isArray(s.anyOf) || Array.isArray(s.oneOf)) {
    const members = (s.anyOf ?? s.oneOf) as Schema[];
    return fc.oneof(...members.map((m) => validArbitrary(m, refs, depth + 1)));
  }
  if (Array.isArray(s.allOf)) {
    return fc
      .tuple(...(s.allOf as Schema[]).map((m) => validArbitrary(m, refs, depth + 1)))
      .map((parts) => Object.assign({}, ...parts));
  }
  switch (s.type) {
    case 'string':
      return stringArbitrary(s);
    case 'number':
    case 'integer':
      return numberArbitrary(s);
    case 'boolean':
      return fc.boolean();
    case 'null':
      return fc.constant(null);
    case 'array': {
      if (Array.isArray(s.items))
        return fc.tuple(...(s.items as Schema[]).map((m) => validArbitrary(m, refs, depth + 1)));
      const minLength = num(s.minItems) ?? 0;
      const maxLength = Math.min(num(s.maxItems) ?? 3, minLength + (depth > 2 ? 1 : 3));
      return fc.array(validArbitrary(s.items as Schema, refs, depth + 1), { minLength, maxLength });
    }
    case 'object':
      return objectArbitrary(s, refs, depth);
    default:
      return fc.jsonValue({ maxDepth: 2 });
  }
}

function objectArbitrary(s: Schema, refs: Refs, depth: number): fc.Arbitrary<unknown> {
  const properties = (s.properties ?? {}) as Record<string, Schema>;
  const required = (s.required ?? []) as string[];
  const fixed = fc.record(
    Object.fromEntries(Object.entries(properties).map(([k, v]) => [k, validArbitrary(v, refs, depth + 1)])),
    { requiredKeys: required },
  );
  const patterns = Object.values((s.patternProperties ?? {}) as Record<string, Schema>);
  if (patterns.length === 0) return fixed;
  const keys = s.propertyNames ? stringArbitrary(s.propertyNames as Schema) : fc.string({ maxLength: 12 });
  const maxKeys = Math.min(num(s.maxProperties) ?? 4, 4);
  const extra = fc.dictionary(keys, validArbitrary(patterns[0] as Schema, refs, depth + 1), {
    maxKeys,
    noNullPrototype: true,
  });
  return fc.tuple(fixed, extra).map(([a, b]) => ({ ...b, ...a }));
}

/** Values that are of no JSON type a schema expects, or of the wrong one. */
const WRONG_TYPES: unknown[] = [null, true, false, 7, 1.5, -1, '12', '', [7], {}, 'x'.repeat(5000)];

/** One way `value` can be made invalid for `schema`; `pick` chooses among the ways. */
export function mutate(schema: Schema, value: unknown, refs: Refs, pick: (n: number) => number): unknown {
  const s = deref(schema, refs);
  const ways: (() => unknown)[] = WRONG_TYPES.map((w) => () => w);
  if (typeof value === 'string') {
    const max = num(s.maxLength);
    const min = num(s.minLength);
    if (max !== undefined) ways.push(() => 'y'.repeat(max + 1));
    if (min !== undefined && min > 0) ways.push(() => value.slice(0, min - 1));
    if (typeof s.pattern === 'string') ways.push(() => ` ${value}!\u0007`);
    if (Array.isArray(s.enum) || 'const' in s) ways.push(() => `${value}-not-a-member`);
  }
  if (typeof value === 'number') {
    const hi = num(s.maximum) ?? num(s.exclusiveMaximum);
    const lo = num(s.minimum) ?? num(s.exclusiveMinimum);
    if (hi !== undefined)
      ways.push(
        () => (s.exclusiveMaximum !== undefined ? hi : hi + 1),
        () => 1e308,
      );
    if (lo !== undefined)
      ways.push(
        () => (s.exclusiveMinimum !== undefined ? lo : lo - 1),
        () => -1e308,
      );
    if (s.type === 'integer') ways.push(() => value + 0.5);
  }
  if (Array.isArray(value)) {
    const items = s.items as Schema | undefined;
    if (items && !Array.isArray(items) && value.length > 0) {
      ways.push(() => {
        const i = pick(value.length);
        return value.map((v, j) => (j === i ? mutate(items, v, refs, pick) : v));
      });
    }
    const maxItems = num(s.maxItems);
    if (maxItems !== undefined && maxItems <= 100 && value.length > 0) {
      ways.push(() => Array.from({ length: maxItems + 1 }, (_, i) => value[i % value.length]));
    }
  }
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    const obj = value as Record<string, unknown>;
    const properties = (s.properties ?? {}) as Record<string, Schema>;
    const present = Object.keys(obj).filter((k) => k in properties);
    for (const key of present) {
      ways.push(() => ({ ...obj, [key]: mutate(properties[key] as Schema, obj[key], refs, pick) }));
    }
    for (const key of ((s.required ?? []) as string[]).filter((k) => k in obj)) {
      ways.push(() => {
        const { [key]: _gone, ...rest } = obj;
        return rest;
      });
    }
    const pattern = Object.values((s.patternProperties ?? {}) as Record<string, Schema>)[0];
    if (pattern) {
      const maxProps = num(s.maxProperties);
      if (maxProps !== undefined && maxProps <= 100) {
        ways.push(() => ({
          ...obj,
          ...Object.fromEntries(
            Array.from({ length: maxProps + 1 }, (_, i) => [`k${i}`, obj[present[0] ?? ''] ?? 'v']),
          ),
        }));
      }
      const nameMax = num((s.propertyNames as Schema | undefined)?.maxLength);
      if (nameMax !== undefined) ways.push(() => ({ ...obj, ['n'.repeat(nameMax + 1)]: Object.values(obj)[0] ?? 'v' }));
      const extra = Object.keys(obj).filter((k) => !(k in properties));
      if (extra.length > 0) {
        ways.push(() => {
          const key = extra[pick(extra.length)] as string;
          return { ...obj, [key]: mutate(pattern, obj[key], refs, pick) };
        });
      }
    }
  }
  return (ways[pick(ways.length)] as () => unknown)();
}
