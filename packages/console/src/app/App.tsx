/**
 * The console shell: the login gate, the header with navigation and the
 * live-update light, and the page for the current path.
 */
import { useCallback } from 'react';
import { AlertsPage } from '../alerts/AlertsPage.js';
import { AuditPage } from '../audit/AuditPage.js';
import { CompliancePage } from '../compliance/CompliancePage.js';
import { FleetProvider, useFleet } from '../live/FleetProvider.js';
import { LoginPage } from '../login/LoginPage.js';
import { NodePage } from '../node/NodePage.js';
import { NodesPage } from '../nodes/NodesPage.js';
import { OverviewPage } from '../overview/OverviewPage.js';
import { PoliciesPage } from '../policies/PoliciesPage.js';
import { RunsPage } from '../runs/RunsPage.js';
import { ApiTokensPage } from '../tokens/ApiTokensPage.js';
import { UsersPage } from '../users/UsersPage.js';
import { ErrorBoundary } from './ErrorBoundary.js';
import { Link, useRoute } from './router.js';
import type { Route } from './routes.js';
import { useAuth } from './use-auth.js';

const STATUS_TEXT = {
  connecting: 'connecting',
  open: 'live',
  reconnecting: 'reconnecting',
  unauthorized: 'signed out',
  closed: 'offline',
} as const;

function Header({ route, who, onLogout }: { route: Route; who: string; onLogout: () => void }) {
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
        <Link to="/runs" aria-current={current('runs')} data-testid="nav-runs">
          Runs
        </Link>
        <Link to="/users" aria-current={current('users')} data-testid="nav-users">
          Users
        </Link>
        <Link to="/api-tokens" aria-current={current('api-tokens')} data-testid="nav-api-tokens">
          API tokens
        </Link>
        <Link to="/policies" aria-current={current('policies')} data-testid="nav-policies">
          Policies
        </Link>
        <Link to="/audit" aria-current={current('audit')} data-testid="nav-audit">
          Audit
        </Link>
        <Link to="/compliance" aria-current={current('compliance')} data-testid="nav-compliance">
          Compliance
        </Link>
      </nav>
      <span className={`stream stream-${status}`} title={problem ?? 'live updates'} data-testid="stream-status">
        <span className="state-dot" aria-hidden="true" />
        {STATUS_TEXT[status]}
      </span>
      <span className="muted small" data-testid="signed-in-as" title="signed in as">
        {who}
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
    case 'runs':
      return <RunsPage />;
    case 'users':
      return <UsersPage />;
    case 'api-tokens':
      return <ApiTokensPage />;
    case 'audit':
      return <AuditPage />;
    case 'policies':
      return <PoliciesPage />;
    case 'compliance':
      return <CompliancePage />;
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
  const { auth, signInWithToken, signInWithSession, signOut } = useAuth();
  const route = useRoute();
  const onUnauthorized = useCallback((message: string) => signOut(`Signed out: ${message}`), [signOut]);

  if (auth.status === 'resuming') {
    return (
      <main className="login">
        <p className="muted" data-testid="resuming">
          Signing in…
        </p>
      </main>
    );
  }
  if (auth.status === 'signed-out') {
    return <LoginPage onLogin={signInWithSession} onToken={signInWithToken} notice={auth.notice} />;
  }
  return (
    <FleetProvider client={auth.client} onUnauthorized={onUnauthorized}>
      <Header route={route} who={auth.who} onLogout={() => signOut()} />
      <main className="content">
        <ErrorBoundary resetKey={window.location.pathname}>
          <Page route={route} />
        </ErrorBoundary>
      </main>
    </FleetProvider>
  );
}
