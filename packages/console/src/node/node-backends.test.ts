import type { Service } from '@aurora/sdk';
import { describe, expect, it } from 'vitest';
import { backendsOn, formatWeight } from './node-backends.js';

const backend = (over: Partial<Service['backends'][number]>): Service['backends'][number] => ({
  id: 'x',
  node: 'n1',
  address: '10.0.0.1',
  port: 8080,
  zone: null,
  weight: 2,
  effectiveWeight: 2,
  nodeState: 'ready',
  anomalous: false,
  ...over,
});
const service = (name: string, backends: Service['backends']): Service => ({
  name,
  picker: 'weighted',
  healthPath: '/healthz',
  backends,
  updatedAt: '2026-12-04T00:00:00.000Z',
});

describe('a node page lists the backends on its node', () => {
  it('keeps only the node’s backends, by service then port, and says why each keeps less', () => {
    const services = [
      service('web', [backend({ port: 9090, effectiveWeight: 0.4, anomalous: true }), backend({ node: 'n2' })]),
      service('api', [
        backend({ port: 80, effectiveWeight: 0.8 }),
        backend({ port: 81, weight: 0, effectiveWeight: 0 }),
      ]),
      service('db', [backend({ node: null, address: '10.9.9.9' })]),
    ];
    const rows = backendsOn(services, 'n1', 0.4);
    expect(rows.map((r) => `${r.service}:${r.port}`)).toEqual(['api:80', 'api:81', 'web:9090']);
    expect(rows[0]?.why).toBe('traffic share 40 %');
    expect(rows[2]?.why).toBe('traffic share 40 %, anomaly alert firing');
    expect(rows[2]?.anomalous).toBe(true);
  });

  it('names the node state when a backend gets nothing, and nothing when it keeps its weight', () => {
    const services = [service('web', [backend({ effectiveWeight: 0, nodeState: 'draining' })])];
    expect(backendsOn(services, 'n1', 1)[0]?.why).toBe('node draining: no traffic');
    expect(backendsOn([service('web', [backend({})])], 'n1', 1)[0]?.why).toBeUndefined();
  });

  it('writes weights with at most two decimals', () => {
    expect(formatWeight(0.8000000001)).toBe('0.8');
    expect(formatWeight(2)).toBe('2');
    expect(formatWeight(1 / 3)).toBe('0.33');
  });
});
