import { sampleFacts, type TestServer } from './harness.js';

/** A seeded generator, so the normal load is the same on every run. */
export function random(seed: number): () => number {
  let s = seed;
  return () => {
    s = (s * 16_807) % 2_147_483_647;
    return s / 2_147_483_647;
  };
}

/** Sends one heartbeat over real HTTP carrying one second of a node's samples. */
export async function beat(server: TestServer, credential: string, seq: number, cpu: number, rnd: () => number) {
  const ts = server.clock.now();
  const res = await fetch(`${server.url}/v1/agent/heartbeat`, {
    method: 'POST',
    headers: { authorization: `Bearer ${credential}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      sentAt: ts,
      facts: sampleFacts(),
      batches: [
        {
          id: `batch-${String(seq).padStart(6, '0')}`,
          samples: [
            { ts, name: 'cpu.usage_pct', value: cpu },
            { ts, name: 'memory.used_pct', value: 41 + rnd() * 2 },
            { ts, name: 'load.1m', value: 0.6 + rnd() * 0.5 },
          ],
        },
      ],
    }),
  });
  if (res.status !== 200) throw new Error(`heartbeat answered ${res.status}: ${await res.text()}`);
}
