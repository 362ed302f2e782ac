/**
 * The text a detector's state is stored as: JSON, except that each array of
 * at least {@link MIN_PACKED} finite numbers becomes `{"$f64": "<base64 of
 * its float64 bytes>"}`. Detector state is mostly such arrays (the live
 * detector's windows hold about a thousand numbers), and writing a double
 * as shortest decimal text is much of what a snapshot costs: packed, a
 * grown state is written 1.6 to 1.8 times faster and is 40% smaller
 * (`npm run bench:snapshot`), and it reads back bit for bit. Arrays holding anything else, NaN, ±Infinity or
 * -0 stay plain JSON, so every value reads back exactly as `JSON.parse`
 * would have given it. Plain JSON snapshots (written before this codec)
 * read back unchanged.
 */

/** Shorter arrays gain nothing from packing. */
export const MIN_PACKED = 8;
const TAG = '$f64';

function packable(a: readonly unknown[]): boolean {
  if (a.length < MIN_PACKED) return false;
  for (let i = 0; i < a.length; i++) {
    const x = a[i];
    if (typeof x !== 'number' || !Number.isFinite(x) || (x === 0 && 1 / x < 0)) return false;
  }
  return true;
}

/** The state with its number arrays packed; containers are copied only where something inside changed. */
function pack(value: unknown): unknown {
  if (Array.isArray(value)) {
    if (packable(value)) {
      const bytes = new Float64Array(value as number[]);
      return { [TAG]: Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64') };
    }
    let out: unknown[] = value;
    for (let i = 0; i < value.length; i++) {
      const p = pack(value[i]);
      if (p !== value[i]) {
        if (out === value) out = value.slice();
        out[i] = p;
      }
    }
    return out;
  }
  if (value !== null && typeof value === 'object') {
    const obj = value as Record<string, unknown>;
    let out = obj;
    for (const key in obj) {
      const p = pack(obj[key]);
      if (p !== obj[key]) {
        if (out === obj) out = { ...obj };
        out[key] = p;
      }
    }
    return out;
  }
  return value;
}

/** Turns packed arrays back into plain number arrays, in place (the value was just parsed). */
function unpack(value: unknown): unknown {
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) value[i] = unpack(value[i]);
    return value;
  }
  if (value !== null && typeof value === 'object') {
    const obj = value as Record<string, unknown>;
    const packed = obj[TAG];
    if (typeof packed === 'string' && Object.keys(obj).length === 1) {
      const bytes = Buffer.from(packed, 'base64');
      if (bytes.length % 8 !== 0)
        throw new Error(`a packed number array has ${bytes.length} bytes, not a multiple of 8`);
      // Copied out of the Buffer's pool (whose offset need not be 8-aligned) into plain numbers.
      const out = new Array<number>(bytes.length / 8);
      for (let i = 0; i < out.length; i++) out[i] = bytes.readDoubleLE(i * 8);
      return out;
    }
    for (const key in obj) obj[key] = unpack(obj[key]);
    return obj;
  }
  return value;
}

/** A state as stored text (the detector's live state is read, never changed or kept). */
export function encodeState(state: unknown): string {
  return JSON.stringify(pack(state));
}

/** Stored text back to the state `JSON.parse(JSON.stringify(state))` would give; throws on text that is not JSON. */
export function decodeState(text: string): unknown {
  return unpack(JSON.parse(text));
}
