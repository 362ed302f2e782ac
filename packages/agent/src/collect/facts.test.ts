import os from 'node:os';
import { NodeFacts } from '@aurora/sdk';
import { Value } from '@sinclair/typebox/value';
import { describe, expect, it } from 'vitest';
import { collectFacts } from './facts.js';

describe('collectFacts on this machine', () => {
  it('describes the machine in a shape the contract accepts', async () => {
    const facts = await collectFacts({ labels: { role: 'db' }, zone: 'eu-1', agentVersion: '9.9.9' });
    expect([...Value.Errors(NodeFacts, facts)]).toEqual([]);
    expect(facts.hostname.length).toBeGreaterThan(0);
    expect(facts.cpus.count).toBeGreaterThan(0);
    expect(facts.memoryBytes).toBe(os.totalmem());
    expect(facts.os.platform).toBe(process.platform);
    expect(facts.disks.length).toBeGreaterThan(0);
    expect(facts.disks[0]?.sizeBytes).toBeGreaterThan(0);
  });

  it('carries the operator labels, zone and agent version', async () => {
    const facts = await collectFacts({ labels: { role: 'db' }, zone: 'eu-1', agentVersion: '9.9.9' });
    expect(facts.labels).toEqual({ role: 'db' });
    expect(facts.zone).toBe('eu-1');
    expect(facts.agentVersion).toBe('9.9.9');
  });

  it('lists no loopback addresses', async () => {
    const facts = await collectFacts({ agentVersion: '0.0.0' });
    expect(facts.addresses).not.toContain('127.0.0.1');
    expect(facts.addresses).not.toContain('::1');
  });
});
