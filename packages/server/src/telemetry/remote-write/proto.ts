/**
 * Prometheus remote_write 1.0 messages (prometheus/prompb `WriteRequest`),
 * decoded and encoded with protobufjs from a reflected schema, and the
 * Snappy block compression the protocol wraps them in (snappyjs). Both are
 * pure JavaScript. Exemplars, native histograms and metadata are part of
 * the schema so they decode cleanly, and are not stored.
 */
import protobuf from 'protobufjs';
import snappy from 'snappyjs';

// Timestamps are int64 milliseconds, always below 2^53 in practice: without Long support protobufjs
// decodes them as plain numbers instead of allocating one Long object per sample.
protobuf.util.Long = undefined as unknown as typeof protobuf.util.Long;
protobuf.configure();

const root = protobuf.Root.fromJSON({
  nested: {
    prometheus: {
      nested: {
        WriteRequest: {
          fields: {
            timeseries: { rule: 'repeated', type: 'TimeSeries', id: 1 },
            metadata: { rule: 'repeated', type: 'MetricMetadata', id: 3 },
          },
        },
        TimeSeries: {
          fields: {
            labels: { rule: 'repeated', type: 'Label', id: 1 },
            samples: { rule: 'repeated', type: 'Sample', id: 2 },
            exemplars: { rule: 'repeated', type: 'Exemplar', id: 3 },
          },
        },
        Label: { fields: { name: { type: 'string', id: 1 }, value: { type: 'string', id: 2 } } },
        Sample: { fields: { value: { type: 'double', id: 1 }, timestamp: { type: 'int64', id: 2 } } },
        Exemplar: {
          fields: {
            labels: { rule: 'repeated', type: 'Label', id: 1 },
            value: { type: 'double', id: 2 },
            timestamp: { type: 'int64', id: 3 },
          },
        },
        MetricMetadata: {
          fields: {
            type: { type: 'int32', id: 1 },
            metricFamilyName: { type: 'string', id: 2 },
            help: { type: 'string', id: 4 },
            unit: { type: 'string', id: 5 },
          },
        },
      },
    },
  },
});
const WriteRequestType = root.lookupType('prometheus.WriteRequest');

/** One label of a remote-written series. */
export interface WireLabel {
  name: string;
  value: string;
}

/** One sample: a float64 value at a millisecond timestamp. */
export interface WireSample {
  value: number;
  timestamp: number;
}

/** One series of a write request. */
export interface WireTimeSeries {
  labels: WireLabel[];
  samples: WireSample[];
}

/** A `WriteRequest` to encode. */
export interface WireWriteRequest {
  timeseries: WireTimeSeries[];
}

/** One decoded series, its samples as parallel arrays. */
export interface DecodedSeries {
  labels: WireLabel[];
  ts: number[];
  values: number[];
}

/** Why a body could not be read; the route answers 400 and counts it under this reason. */
export class MalformedWriteError extends Error {
  constructor(
    readonly reason: 'snappy' | 'protobuf',
    message: string,
  ) {
    super(message);
    this.name = 'MalformedWriteError';
  }
}

/**
 * Why a hand-written pass over the Snappy tags: snappyjs reads a 4-byte literal length as a signed
 * 32-bit number, so a length with its top bit set moves its read position backwards and a 10-byte body
 * spins the event loop forever. This walk checks every literal against the bytes left before snappyjs
 * runs; it costs one pass over the tags and copies nothing.
 */
export function snappyLiteralsFit(body: Uint8Array): boolean {
  let pos = 0;
  // The uncompressed length: a little-endian base-128 varint of at most 5 bytes.
  while (pos < body.length && pos < 5 && (body[pos] as number) >= 0x80) pos += 1;
  pos += 1;
  while (pos < body.length) {
    const tag = body[pos] as number;
    pos += 1;
    if ((tag & 3) !== 0) {
      pos += [0, 1, 2, 4][tag & 3] as number;
      continue;
    }
    let len = (tag >>> 2) + 1;
    if (len > 60) {
      const extra = len - 60;
      if (pos + extra > body.length) return false;
      len = 0;
      // Multiplication, not shifts, so the length stays unsigned.
      for (let i = extra - 1; i >= 0; i--) len = len * 256 + (body[pos + i] as number);
      len += 1;
      pos += extra;
    }
    if (pos + len > body.length) return false;
    pos += len;
  }
  return true;
}

/** Decompresses and decodes a remote-write body; throws {@link MalformedWriteError}. */
export function decodeWriteRequest(body: Uint8Array, maxUncompressedBytes: number): DecodedSeries[] {
  let raw: Uint8Array;
  try {
    if (!snappyLiteralsFit(body)) throw new Error('a literal runs past the end of the block');
    raw = snappy.uncompress(body, maxUncompressedBytes);
  } catch (error) {
    throw new MalformedWriteError('snappy', `body is not a valid Snappy block: ${(error as Error).message}`);
  }
  try {
    const message = WriteRequestType.decode(raw) as unknown as { timeseries?: Partial<WireTimeSeries>[] };
    return (message.timeseries ?? []).map((t) => {
      const samples = t.samples ?? [];
      const ts = new Array<number>(samples.length);
      const values = new Array<number>(samples.length);
      for (let i = 0; i < samples.length; i++) {
        const s = samples[i] as WireSample;
        ts[i] = Number(s.timestamp);
        values[i] = s.value;
      }
      return { labels: (t.labels ?? []).map((l) => ({ name: l.name, value: l.value })), ts, values };
    });
  } catch (error) {
    throw new MalformedWriteError('protobuf', `body is not a valid WriteRequest: ${(error as Error).message}`);
  }
}

/** Encodes and compresses a write request, as Prometheus sends it (for tests, benchmarks and tools). */
export function encodeWriteRequest(request: WireWriteRequest): Uint8Array {
  const bytes = WriteRequestType.encode(WriteRequestType.fromObject(request)).finish();
  return snappy.compress(bytes);
}
