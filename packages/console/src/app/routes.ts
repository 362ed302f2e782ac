/**
 * The console's pages and their paths. The server answers every unknown path
 * with `index.html`, so these are real URLs that survive a reload.
 */

/** A page of the console. */
export type Route =
  | { page: 'overview' }
  | { page: 'nodes' }
  | { page: 'node'; name: string }
  | { page: 'alerts' }
  | { page: 'runs' }
  | { page: 'users' }
  | { page: 'api-tokens' }
  | { page: 'audit' }
  | { page: 'policies' }
  | { page: 'compliance' }
  | { page: 'not-found' };

/** Pages whose path is their name. */
const FLAT_PAGES = ['alerts', 'runs', 'users', 'api-tokens', 'audit', 'policies', 'compliance'] as const;

/** Turns a pathname into a page. */
export function parseRoute(pathname: string): Route {
  const path = pathname.replace(/\/+$/, '') || '/';
  if (path === '/') return { page: 'overview' };
  if (path === '/nodes') return { page: 'nodes' };
  const flat = FLAT_PAGES.find((page) => path === `/${page}`);
  if (flat) return { page: flat };
  const node = /^\/nodes\/([^/]+)$/.exec(path);
  if (node?.[1]) {
    try {
      return { page: 'node', name: decodeURIComponent(node[1]) };
    } catch {
      return { page: 'not-found' };
    }
  }
  return { page: 'not-found' };
}

/** The path of a page, the inverse of {@link parseRoute}. */
export function pathOf(route: Route): string {
  switch (route.page) {
    case 'overview':
      return '/';
    case 'nodes':
      return '/nodes';
    case 'node':
      return `/nodes/${encodeURIComponent(route.name)}`;
    case 'alerts':
    case 'runs':
    case 'users':
    case 'api-tokens':
    case 'audit':
    case 'policies':
    case 'compliance':
      return `/${route.page}`;
    case 'not-found':
      return '/404';
  }
}
