import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { compileConfig } from './compile.js';
import { configKeys } from './keys.js';

describe('configuration', () => {
  it('applies documented defaults and freezes the result', () => {
    const config = compileConfig({ env: {} });
    expect(config.host).toBe('127.0.0.1');
    expect(config.port).toBe(7070);
    expect(config.heartbeatIntervalMs).toBe(5_000);
    expect(config.suspectAfterMs).toBe(15_000);
    expect(config.downAfterMs).toBe(40_000);
    expect(path.isAbsolute(config.dataDir)).toBe(true);
    expect(Object.isFrozen(config)).toBe(true);
  });

  it('takes overrides over env over file', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'aurora-config-'));
    const file = path.join(dir, 'aurora.yaml');
    writeFileSync(file, 'port: 7001\nhost: 0.0.0.0\ntls: true\nlogLevel: debug\nsampleRetentionMs: 2d\n');
    const config = compileConfig({
      file,
      env: { AURORA_PORT: '7002', AURORA_LOG_LEVEL: 'warn' },
      overrides: { port: '7003' },
    });
    expect(config.port).toBe(7003);
    expect(config.host).toBe('0.0.0.0');
    expect(config.logLevel).toBe('warn');
    expect(config.sampleRetentionMs).toBe(2 * 86_400_000);
  });

  it('refuses to listen beyond loopback without TLS, and says how to turn it on', () => {
    for (const host of ['0.0.0.0', '::', '10.1.2.3', 'aurora.example.test']) {
      expect(() => compileConfig({ env: { AURORA_HOST: host } }), host).toThrow(
        /^host: listening on .* without TLS .*--tls .*--tls-san NAME.*--tls-cert FILE --tls-key FILE.*127\.0\.0\.1$/,
      );
    }
    for (const host of ['127.0.0.1', '127.0.0.5', 'localhost', '::1', '[::1]']) {
      expect(compileConfig({ env: { AURORA_HOST: host } }).tls, host).toBe(false);
    }
    expect(compileConfig({ env: { AURORA_HOST: '0.0.0.0', AURORA_TLS: 'true' } }).tls).toBe(true);
    const own = compileConfig({ env: { AURORA_HOST: '0.0.0.0', AURORA_TLS_CERT: 'c.pem', AURORA_TLS_KEY: 'k.pem' } });
    expect(own.tls).toBe(true);
    expect(path.isAbsolute(own.tlsCertFile as string)).toBe(true);
    expect(() => compileConfig({ env: { AURORA_TLS_CERT: 'c.pem' } })).toThrow(
      /^tlsKeyFile: missing; .*--tls-key FILE/,
    );
    expect(() => compileConfig({ env: { AURORA_TLS: 'maybe' } })).toThrow(/^tls: must be true or false/);
    expect(compileConfig({ env: { AURORA_TLS_SANS: 'a.example, 10.0.0.1' } }).tlsSans).toEqual([
      'a.example',
      '10.0.0.1',
    ]);
    expect(compileConfig({}).agentCertTtlMs).toBe(86_400_000);
  });

  it('names the key, the bad value and the fix for an invalid port', () => {
    expect(() => compileConfig({ env: { AURORA_PORT: 'abc' } })).toThrow(
      'port: must be an integer 0-65535 (got "abc" from AURORA_PORT); set AURORA_PORT or --port',
    );
  });

  it('rejects unknown keys in the file and never prints secrets', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'aurora-config-'));
    const file = path.join(dir, 'aurora.yaml');
    writeFileSync(file, 'prot: 7001\n');
    expect(() => compileConfig({ file })).toThrow(/^prot: unknown key/);
    expect(compileConfig({ env: { AURORA_ADMIN_TOKEN: 't' } }).adminToken).toBe('t');
    expect(() => compileConfig({ env: { AURORA_ADMIN_TOKEN: 'two words' } })).toThrow(/adminToken: .*\(got \(hidden\)/);
  });

  it('requires downAfter to exceed suspectAfter', () => {
    expect(() => compileConfig({ env: { AURORA_SUSPECT_AFTER_MS: '50s' } })).toThrow(/^downAfterMs: must exceed/);
  });

  it('documents every key with an env var and a description', () => {
    for (const key of configKeys) {
      expect(key.env).toMatch(/^AURORA_[A-Z_]+$/);
      expect(key.description.length).toBeGreaterThan(10);
    }
  });
});
