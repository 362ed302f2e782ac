import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseBackend, parseListen } from './backend-flag.js';

describe('backend and listen flags', () => {
  it('reads host, port and options', () => {
    expect(parseBackend('10.0.0.1:8080')).toEqual({ id: '10.0.0.1:8080', host: '10.0.0.1', port: 8080, weight: 1 });
    expect(parseBackend('[::1]:80,zone=a,weight=3,id=web-1')).toEqual({
      id: 'web-1',
      host: '::1',
      port: 80,
      weight: 3,
      zone: 'a',
    });
    expect(parseListen('0.0.0.0:8080')).toEqual({ host: '0.0.0.0', port: 8080 });
    expect(parseListen('8080')).toEqual({ host: '127.0.0.1', port: 8080 });
    expect(parseListen(':0')).toEqual({ host: '127.0.0.1', port: 0 });
  });

  it('names what is wrong', () => {
    expect(parseBackend('web')).toMatch(/is not HOST:PORT/);
    expect(parseBackend('a:70000')).toMatch(/outside/);
    expect(parseBackend('a:80,weight=-1')).toMatch(/not 0\.\.1000/);
    expect(parseBackend('a:80,colour=red')).toMatch(/unknown option "colour"/);
  });

  it('never throws, and what it accepts has a port in range', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 60 }), (text) => {
        const b = parseBackend(text);
        if (typeof b !== 'string') expect(b.port >= 1 && b.port <= 65_535 && b.weight >= 0).toBe(true);
        const l = parseListen(text);
        if (typeof l !== 'string') expect(l.port <= 65_535).toBe(true);
      }),
    );
  });
});
