/**
 * A fleet of stored nodes without agents behind them, for tests and benchmarks that need thousands
 * of nodes in the table at once (joining that many agents over HTTP would take minutes).
 */
import type { Store } from '../platform/store/index.js';

const STATES = ['ready', 'ready', 'ready', 'suspect', 'down', 'cordoned'];
const ROLES = ['web', 'db', 'cache', 'batch'];
/** 2026-01-01: fixed, so names, order and pages are the same in every run. */
const EPOCH_MS = 1_767_225_600_000;

/**
 * Inserts `count` nodes named `node-00000`, `node-00001`, … with facts of a realistic size (about
 * 700 bytes as JSON), a mix of states, a `role` label and three zones.
 */
export async function seedNodes(store: Store, count: number): Promise<void> {
  const width = Math.max(5, String(count - 1).length);
  for (let i = 0; i < count; i++) {
    await store.nodes.insert({
      id: `seeded-${i}`,
      name: `node-${String(i).padStart(width, '0')}`,
      state: STATES[i % STATES.length]!,
      stateReason: 'heartbeats arriving',
      stateSince: EPOCH_MS,
      labels: { role: ROLES[i % ROLES.length]!, zone: `z${i % 3}` },
      zone: `z${i % 3}`,
      facts: {
        hostname: `node-${i}`,
        os: { platform: 'linux', distro: 'Debian', release: '12', kernel: '6.1.0-18-amd64' },
        arch: 'x64',
        cpus: { count: 8, model: 'Intel(R) Xeon(R) CPU E5-2680 v4 @ 2.40GHz' },
        memoryBytes: 34_359_738_368,
        disks: [
          { mount: '/', fs: 'ext4', sizeBytes: 107_374_182_400 },
          { mount: '/data', fs: 'xfs', sizeBytes: 1_099_511_627_776 },
        ],
        addresses: [`10.0.${(i >> 8) & 255}.${i & 255}`, 'fe80::1'],
        labels: { role: 'web' },
        agentVersion: '0.1.0',
      },
      conditions: [],
      credentialHash: `hash-${i}`,
      joinTokenId: null,
      joinKeyHash: null,
      lastHeartbeatAt: EPOCH_MS + ((i * 7919) % 5000),
      operatorState: null,
      health: { joinedAt: 0, healthySince: null, failures: [], observedAt: 0 },
      createdAt: EPOCH_MS + i,
    });
  }
}
