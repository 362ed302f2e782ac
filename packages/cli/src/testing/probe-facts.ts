import type { NodeFacts } from '@aurora/sdk';

/** The smallest valid facts, for tests that join a node without running an agent. */
export function probeFacts(hostname: string): NodeFacts {
  return {
    hostname,
    os: { platform: 'linux', distro: 'test', release: '1', kernel: '1' },
    arch: 'x64',
    cpus: { count: 1, model: 'test' },
    memoryBytes: 1,
    disks: [],
    addresses: [],
    labels: {},
    agentVersion: 'test',
  };
}
