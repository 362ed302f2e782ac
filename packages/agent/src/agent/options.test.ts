import { describe, expect, it } from 'vitest';
import { compileAgentOptions, DEFAULT_INTERVAL_MS, DEFAULT_MAX_BUFFERED_SAMPLES } from './options.js';

describe('compileAgentOptions', () => {
  it('applies defaults and freezes the result', () => {
    const config = compileAgentOptions({ server: 'http://127.0.0.1:7070/', stateDir: 'state' });
    expect(config.server).toBe('http://127.0.0.1:7070');
    expect(config.intervalMs).toBe(DEFAULT_INTERVAL_MS);
    expect(config.intervalFixed).toBe(false);
    expect(config.maxBufferedSamples).toBe(DEFAULT_MAX_BUFFERED_SAMPLES);
    expect(Object.isFrozen(config)).toBe(true);
  });

  it('names the option at fault', () => {
    expect(() => compileAgentOptions({ server: 'not a url', stateDir: 's' })).toThrow(/option server/);
    expect(() => compileAgentOptions({ server: 'ftp://x', stateDir: 's' })).toThrow(/http or https/);
    expect(() => compileAgentOptions({ server: 'http://x', stateDir: '' })).toThrow(/stateDir/);
    expect(() => compileAgentOptions({ server: 'http://x', stateDir: 's', intervalMs: 0 })).toThrow(/intervalMs/);
    expect(() => compileAgentOptions({ server: 'http://x', stateDir: 's', name: 'Bad Name' })).toThrow(/name/);
    expect(() => compileAgentOptions({ server: 'http://x', stateDir: 's', labels: { '': 'x' } })).toThrow(/label/);
  });

  it('lists the replicas after the server, each once, and refuses one of another scheme or no URL', () => {
    const config = compileAgentOptions({
      server: 'https://a.example:7070/',
      servers: ['https://b.example:7070', 'https://a.example:7070', 'https://b.example:7070/'],
      stateDir: 's',
    });
    expect(config.servers).toEqual(['https://a.example:7070', 'https://b.example:7070']);
    expect(compileAgentOptions({ server: 'http://x', stateDir: 's' }).servers).toEqual(['http://x']);
    expect(() =>
      compileAgentOptions({ server: 'https://a.example', servers: ['http://b.example'], stateDir: 's' }),
    ).toThrow(/servers\[0\] must use https:/);
    expect(() => compileAgentOptions({ server: 'http://a', servers: ['b'], stateDir: 's' })).toThrow(/servers\[0\]/);
  });
});
