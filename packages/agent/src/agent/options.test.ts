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
});
