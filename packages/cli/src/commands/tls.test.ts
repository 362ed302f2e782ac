import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import {
  type AuroraProcess,
  bannerUrl,
  hasExited,
  runAurora,
  spawnAurora,
  stopAurora,
} from '../testing/aurora-process.js';
import { announce } from './announce.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'aurora-cli-tls-'));
const processes: AuroraProcess[] = [];
afterAll(() => {
  for (const run of processes) if (!hasExited(run)) run.child.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

describe('TLS at the command line', () => {
  it('aurora server refuses a non-loopback address without TLS and says how to turn it on', async () => {
    const { code, output } = await runAurora(
      ['server', '--host', '0.0.0.0', '--port', '0', '--data-dir', path.join(dir, 'data')],
      { AURORA_LOG_LEVEL: 'silent' },
      dir,
    );
    expect(code).not.toBe(0);
    expect(output).toContain('host: listening on 0.0.0.0 without TLS');
    expect(output).toContain('--tls');
    expect(output).toContain('--tls-cert FILE --tls-key FILE');
  });

  it('the banner says whether the server speaks plain HTTP on loopback or HTTPS, and with which CA', () => {
    const base = {
      url: 'http://127.0.0.1:7070',
      adminToken: undefined,
      tokenFile: undefined,
      savedTokenFile: undefined,
      agent: 'vm',
    };
    expect(announce(base)).toContain('TLS       off: plain HTTP, reachable from this machine only (--tls serves HTTPS');
    const https = announce({
      ...base,
      url: 'https://127.0.0.1:7070',
      tls: { source: 'cluster-ca', caFingerprint: `sha256:${'a'.repeat(64)}` },
    });
    expect(https).toContain('TLS       HTTPS with a certificate from the cluster CA');
    expect(https).toContain(`CA        sha256:${'a'.repeat(64)}`);
    expect(announce({ ...base, tls: { source: 'operator', caFingerprint: 'sha256:x' } })).toContain(
      'HTTPS with your certificate (--tls-cert)',
    );
  });

  it('aurora up --tls: an HTTPS banner with the CA, the local agent over mutual TLS, operator commands that trust the saved CA, a join command that pins it', async () => {
    const data = path.join(dir, 'tls-data');
    const run = spawnAurora(['up', '--tls', '--port', '0', '--data-dir', data], { AURORA_LOG_LEVEL: 'warn' }, dir);
    processes.push(run);
    const url = await bannerUrl(run);
    expect(url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    await vi.waitFor(() => expect(run.output()).toContain('Stop with Ctrl-C'), { timeout: 30_000 });
    const fingerprint = /CA\s+(sha256:[0-9a-f]{64})/.exec(run.output())?.[1];
    expect(fingerprint).toBeDefined();
    expect(run.output()).toContain('TLS       HTTPS with a certificate from the cluster CA');
    await vi.waitFor(
      async () => {
        const nodes = await runAurora(['nodes', '--data-dir', data], {}, dir);
        expect(nodes.code, nodes.output).toBe(0);
        expect(nodes.output).toMatch(/\sready\s/);
      },
      { timeout: 30_000, interval: 500 },
    );
    const created = await runAurora(['token', 'create', '--data-dir', data], {}, dir);
    expect(created.code, created.output).toBe(0);
    expect(created.output).toMatch(new RegExp(`aurora agent --server ${url} --token \\S+ --ca-hash ${fingerprint}`));
    await stopAurora(run);
  }, 120_000);
});
