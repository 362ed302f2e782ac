import type { MetricBatch } from '@aurora/sdk';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BatchBuffer } from './batch-buffer.js';

const batch = (id: string, size: number): MetricBatch => ({
  id,
  samples: Array.from({ length: size }, (_, i) => ({ ts: i, name: 'test.value', value: i })),
});
const all = { maxBatches: 1_000, maxSamples: 1_000_000 };

describe('BatchBuffer', () => {
  it('keeps batches in arrival order until they are acknowledged', () => {
    const buffer = new BatchBuffer(100);
    buffer.push(batch('batch-aaa', 2));
    buffer.push(batch('batch-bbb', 3));
    buffer.push(batch('batch-ccc', 1));
    expect(buffer.peek(all).map((b) => b.id)).toEqual(['batch-aaa', 'batch-bbb', 'batch-ccc']);
    expect(buffer.acknowledge(['batch-bbb', 'unknown-id'])).toBe(1);
    expect(buffer.peek(all).map((b) => b.id)).toEqual(['batch-aaa', 'batch-ccc']);
    expect(buffer.pendingSamples).toBe(3);
  });

  it('drops the oldest batches when full and counts every dropped sample', () => {
    const buffer = new BatchBuffer(10);
    buffer.push(batch('batch-001', 4));
    buffer.push(batch('batch-002', 4));
    expect(buffer.push(batch('batch-003', 4))).toBe(4);
    expect(buffer.peek(all).map((b) => b.id)).toEqual(['batch-002', 'batch-003']);
    expect(buffer.droppedTotal).toBe(4);
    expect(buffer.unreportedDrops).toBe(4);
  });

  it('does not count as dropped a batch dropped for room while in flight and then acknowledged', () => {
    const buffer = new BatchBuffer(4);
    buffer.push(batch('batch-001', 2));
    buffer.push(batch('batch-002', 2));
    expect(buffer.peek({ maxBatches: 1, maxSamples: 100 }).map((b) => b.id)).toEqual(['batch-001']);
    // While that heartbeat is in flight, two collections push both older batches out.
    buffer.push(batch('batch-003', 2));
    buffer.push(batch('batch-004', 2));
    expect(buffer.droppedTotal).toBe(4);
    // The server stored batch-001 after all; batch-002 was never sent and stays dropped.
    buffer.acknowledge(['batch-001']);
    expect(buffer.droppedTotal).toBe(2);
    expect(buffer.unreportedDrops).toBe(2);
    // Without an acknowledgement (the heartbeat failed) the drop stands.
    buffer.peek({ maxBatches: 1, maxSamples: 100 });
    buffer.push(batch('batch-005', 2));
    buffer.peek(all);
    buffer.acknowledge([]);
    expect(buffer.droppedTotal).toBe(4);
  });

  it('keeps only the newest samples of a batch larger than the whole buffer', () => {
    const buffer = new BatchBuffer(3);
    expect(buffer.push(batch('batch-big', 5))).toBe(2);
    expect(buffer.peek(all)[0]?.samples.map((s) => s.value)).toEqual([2, 3, 4]);
  });

  it('forgets drops once they were reported, but keeps the running total', () => {
    const buffer = new BatchBuffer(2);
    buffer.push(batch('batch-001', 2));
    buffer.push(batch('batch-002', 2));
    buffer.markDropsReported(2);
    expect(buffer.unreportedDrops).toBe(0);
    expect(buffer.droppedTotal).toBe(2);
  });

  it('takes at most the allowed batches and samples per heartbeat, but always at least one batch', () => {
    const buffer = new BatchBuffer(1_000);
    for (let i = 0; i < 10; i++) buffer.push(batch(`batch-${i}`, 10));
    expect(buffer.peek({ maxBatches: 3, maxSamples: 1_000 })).toHaveLength(3);
    expect(buffer.peek({ maxBatches: 64, maxSamples: 25 })).toHaveLength(2);
    expect(buffer.peek({ maxBatches: 64, maxSamples: 1 })).toHaveLength(1);
  });

  it('never holds more samples than its bound, and accounts for every sample', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 50 }),
        fc.array(fc.integer({ min: 0, max: 80 }), { maxLength: 60 }),
        (max, sizes) => {
          const buffer = new BatchBuffer(max);
          sizes.forEach((size, i) => {
            buffer.push(batch(`batch-${i}`, size));
            expect(buffer.pendingSamples).toBeLessThanOrEqual(max);
          });
          const pushed = sizes.reduce((a, b) => a + b, 0);
          const held = buffer.peek(all).reduce((sum, b) => sum + b.samples.length, 0);
          expect(held).toBe(buffer.pendingSamples);
          expect(held + buffer.droppedTotal).toBe(pushed);
        },
      ),
    );
  });

  it('drops the oldest batch on request and counts its samples', () => {
    const buffer = new BatchBuffer(100);
    buffer.push(batch('batch-001', 3));
    buffer.push(batch('batch-002', 2));
    expect(buffer.dropOldest()).toBe('batch-001');
    expect(buffer.pendingSamples).toBe(2);
    expect(buffer.droppedTotal).toBe(3);
    expect(buffer.unreportedDrops).toBe(3);
    buffer.dropOldest();
    expect(buffer.dropOldest()).toBeUndefined();
  });

  it('refuses a bound that is not a positive integer, naming the option', () => {
    expect(() => new BatchBuffer(0)).toThrow(/maxBufferedSamples/);
  });
});
