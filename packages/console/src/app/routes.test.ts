import { describe, expect, it } from 'vitest';
import { parseRoute, pathOf, type Route } from './routes.js';

describe('console routes', () => {
  it('maps paths to pages, ignoring a trailing slash', () => {
    expect(parseRoute('/')).toEqual({ page: 'overview' });
    expect(parseRoute('/nodes/')).toEqual({ page: 'nodes' });
    expect(parseRoute('/nodes/web-1')).toEqual({ page: 'node', name: 'web-1' });
    expect(parseRoute('/alerts')).toEqual({ page: 'alerts' });
    expect(parseRoute('/runs/')).toEqual({ page: 'runs' });
    expect(parseRoute('/users/')).toEqual({ page: 'users' });
    expect(parseRoute('/api-tokens')).toEqual({ page: 'api-tokens' });
    expect(parseRoute('/audit')).toEqual({ page: 'audit' });
    expect(parseRoute('/policies')).toEqual({ page: 'policies' });
    expect(parseRoute('/compliance/')).toEqual({ page: 'compliance' });
    expect(parseRoute('/audit/1')).toEqual({ page: 'not-found' });
    expect(parseRoute('/nodes/a/b')).toEqual({ page: 'not-found' });
    expect(parseRoute('/nodes/%E0%A4%A')).toEqual({ page: 'not-found' });
  });

  it('round-trips every page through its path', () => {
    const routes: Route[] = [
      { page: 'overview' },
      { page: 'nodes' },
      { page: 'node', name: 'db.eu-1' },
      { page: 'alerts' },
      { page: 'runs' },
      { page: 'users' },
      { page: 'api-tokens' },
      { page: 'audit' },
      { page: 'policies' },
      { page: 'compliance' },
    ];
    for (const route of routes) expect(parseRoute(pathOf(route))).toEqual(route);
  });
});
