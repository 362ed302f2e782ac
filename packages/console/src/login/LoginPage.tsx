/**
 * Sign-in with the admin token. The token is checked against the server before
 * it is kept, so a wrong one shows the server's own error right here.
 */
import { AuroraClient } from '@aurora/sdk';
import { type FormEvent, useState } from 'react';

/** The login form; calls `onLogin` with a token the server accepted. */
export function LoginPage({ onLogin, notice }: { onLogin: (token: string) => void; notice?: string | undefined }) {
  const [token, setToken] = useState('');
  const [error, setError] = useState<string | undefined>(undefined);
  const [busy, setBusy] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const candidate = token.trim();
    if (!candidate) {
      setError('Enter the admin token printed by `aurora up` (or set with AURORA_ADMIN_TOKEN).');
      return;
    }
    setBusy(true);
    setError(undefined);
    try {
      await new AuroraClient({ baseUrl: window.location.origin, token: candidate }).clusterSummary();
      onLogin(candidate);
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <main className="login">
      <form className="card login-card" onSubmit={submit} aria-labelledby="login-title" data-testid="login-form">
        <h1 id="login-title">
          <span className="brand-mark" aria-hidden="true" /> Aurora console
        </h1>
        <p className="muted">Sign in with the cluster's admin token.</p>
        {notice && !error && (
          <p className="notice" role="status">
            {notice}
          </p>
        )}
        <label htmlFor="token">Admin token</label>
        <input
          id="token"
          name="token"
          type="password"
          autoComplete="current-password"
          value={token}
          onChange={(e) => setToken(e.target.value)}
          data-testid="login-token"
          aria-invalid={error ? true : undefined}
          aria-describedby={error ? 'login-error' : undefined}
          // biome-ignore lint/a11y/noAutofocus: the token field is the only thing to do on this page
          autoFocus
        />
        {error && (
          <p id="login-error" className="error" role="alert" data-testid="login-error">
            {error}
          </p>
        )}
        <button type="submit" className="primary" disabled={busy} data-testid="login-submit">
          {busy ? 'Checking…' : 'Sign in'}
        </button>
      </form>
    </main>
  );
}
