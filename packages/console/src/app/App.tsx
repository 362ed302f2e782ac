/**
 * The console shell: the login gate, the header with navigation and the
 * live-update light, and the page for the current path.
 */
import { AuroraClient } from '@aurora/sdk';
import { useCallback, useMemo, useState } from 'react';
import { AlertsPage } from '../alerts/AlertsPage.js';
import { FleetProvider, useFleet } from '../live/FleetProvider.js';
import { LoginPage } from '../login/LoginPage.js';
import { NodePage } from '../node/NodePage.js';
import { NodesPage } from '../nodes/NodesPage.js';
import { OverviewPage } from '../overview/OverviewPage.js';
import { ErrorBoundary } from './ErrorBoundary.js';
import { Link, useRoute } from './router.js';
import type { Route } from './routes.js';
import { loadToken, saveToken } from './session.js';

const STATUS_TEXT = {
  connecting: 'connecting',
  open: 'live',
  reconnecting: 'reconnecting',
  unauthorized: 'signed out',
  closed: 'offline',
} as const;

function Header({ route, onLogout }: { route: Route; onLogout: () => void }) {
  const { status, problem } = useFleet();
  const current = (page: Route['page']) => (route.page === page ? 'page' : undefined);
  return (
    <header className="topbar">
      <Link to="/" className="brand">
        <span className="brand-mark" aria-hidden="true" />
        Aurora
      </Link>
      <nav aria-label="Main">
        <Link to="/" aria-current={current('overview')} data-testid="nav-overview">
          Overview
        </Link>
        <Link to="/nodes" aria-current={current('nodes') ?? current('node')} data-testid="nav-nodes">
          Nodes
        </Link>
        <Link to="/alerts" aria-current={current('alerts')} data-testid="nav-alerts">
          Alerts
        </Link>
      </nav>
      <span className={`stream stream-${status}`} title={problem ?? 'live updates'} data-testid="stream-status">
        <span className="state-dot" aria-hidden="true" />
        {STATUS_TEXT[status]}
      </span>
      <button type="button" className="ghost" onClick={onLogout} data-testid="logout">
        Sign out
      </button>
    </header>
  );
}

function Page({ route }: { route: Route }) {
  switch (route.page) {
    case 'overview':
      return <OverviewPage />;
    case 'nodes':
      return <NodesPage key={window.location.search} />;
    case 'node':
      return <NodePage key={route.name} name={route.name} />;
    case 'alerts':
      return <AlertsPage />;
    case 'not-found':
      return (
        <section className="card">
          <h1>Page not found</h1>
          <p>
            Go to the <Link to="/">overview</Link> or the <Link to="/nodes">node list</Link>.
          </p>
        </section>
      );
  }
}

/** The whole console. */
export function App() {
  const [token, setToken] = useState(loadToken);
  const [notice, setNotice] = useState<string | undefined>(undefined);
  const route = useRoute();
  const client = useMemo(
    () => (token ? new AuroraClient({ baseUrl: window.location.origin, token }) : undefined),
    [token],
  );

  const login = useCallback((next: string) => {
    saveToken(next);
    setNotice(undefined);
    setToken(next);
  }, []);
  const logout = useCallback((message?: string) => {
    saveToken(undefined);
    setNotice(message);
    setToken(undefined);
  }, []);
  const onUnauthorized = useCallback((message: string) => logout(`Signed out: ${message}`), [logout]);

  if (!token || !client) return <LoginPage onLogin={login} notice={notice} />;
  return (
    <FleetProvider client={client} token={token} onUnauthorized={onUnauthorized}>
      <Header route={route} onLogout={() => logout()} />
      <main className="content">
        <ErrorBoundary resetKey={window.location.pathname}>
          <Page route={route} />
        </ErrorBoundary>
      </main>
    </FleetProvider>
  );
}
