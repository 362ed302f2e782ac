/**
 * Sign-in: a user name and password (the first admin's is printed at the first start and saved
 * in the data directory's admin-password), or, for automation users, a token (the admin token or
 * an API token). Either is checked by the server before it is kept, so a wrong one shows the
 * server's own error right here.
 */
import { AuroraClient, LoginSession } from '@aurora/sdk';
import { type FormEvent, useState } from 'react';
import { browserSessionOptions } from '../app/use-auth.js';

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function PasswordForm({ onLogin }: { onLogin: (session: LoginSession) => void }) {
  const [name, setName] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | undefined>(undefined);
  const [busy, setBusy] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!name.trim() || !password) {
      setError('Enter your user name and password.');
      return;
    }
    setBusy(true);
    setError(undefined);
    try {
      onLogin(await LoginSession.login(browserSessionOptions(), name.trim(), password));
    } catch (err) {
      setError(message(err));
      setBusy(false);
    }
  };

  return (
    <form className="stack" onSubmit={submit} data-testid="login-form" data-mode="password">
      <div className="field">
        <label htmlFor="login-name">User name</label>
        <input
          id="login-name"
          name="username"
          autoComplete="username"
          value={name}
          onChange={(e) => setName(e.target.value)}
          data-testid="login-name"
          // biome-ignore lint/a11y/noAutofocus: signing in is the only thing to do on this page
          autoFocus
        />
      </div>
      <div className="field">
        <label htmlFor="login-password">Password</label>
        <input
          id="login-password"
          name="password"
          type="password"
          autoComplete="current-password"
          value={password}
          onChange={(e) => setPassword(e.target.value)}
          data-testid="login-password"
          aria-invalid={error ? true : undefined}
          aria-describedby={error ? 'login-error' : undefined}
        />
      </div>
      {error && (
        <p id="login-error" className="error" role="alert" data-testid="login-error">
          {error}
        </p>
      )}
      <button type="submit" className="primary" disabled={busy} data-testid="login-submit">
        {busy ? 'Signing in…' : 'Sign in'}
      </button>
    </form>
  );
}

function TokenForm({ onLogin }: { onLogin: (token: string) => void }) {
  const [token, setToken] = useState('');
  const [error, setError] = useState<string | undefined>(undefined);
  const [busy, setBusy] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const candidate = token.trim();
    if (!candidate) {
      setError('Enter the admin token printed by `aurora up` (or set with AURORA_ADMIN_TOKEN), or an API token.');
      return;
    }
    setBusy(true);
    setError(undefined);
    try {
      await new AuroraClient({ baseUrl: window.location.origin, token: candidate }).me();
      onLogin(candidate);
    } catch (err) {
      setError(message(err));
      setBusy(false);
    }
  };

  return (
    <form className="stack" onSubmit={submit} data-testid="login-form" data-mode="token">
      <div className="field">
        <label htmlFor="token">Token</label>
        <input
          id="token"
          name="token"
          type="password"
          autoComplete="off"
          value={token}
          onChange={(e) => setToken(e.target.value)}
          data-testid="login-token"
          aria-invalid={error ? true : undefined}
          aria-describedby={error ? 'login-error' : undefined}
          // biome-ignore lint/a11y/noAutofocus: the token field is the only thing to do in this mode
          autoFocus
        />
      </div>
      {error && (
        <p id="login-error" className="error" role="alert" data-testid="login-error">
          {error}
        </p>
      )}
      <button type="submit" className="primary" disabled={busy} data-testid="login-submit">
        {busy ? 'Checking…' : 'Sign in with token'}
      </button>
    </form>
  );
}

/** The sign-in page: password by default, a token on request. */
export function LoginPage(props: {
  onLogin: (session: LoginSession) => void;
  onToken: (token: string) => void;
  notice?: string | undefined;
}) {
  const [mode, setMode] = useState<'password' | 'token'>('password');
  return (
    <main className="login">
      <section className="card login-card stack" aria-labelledby="login-title">
        <h1 id="login-title">
          <span className="brand-mark" aria-hidden="true" /> Aurora console
        </h1>
        <p className="muted">
          {mode === 'password'
            ? 'Sign in with your user name and password.'
            : "Sign in with the cluster's admin token or an API token."}
        </p>
        {props.notice && (
          <p className="notice" role="status" data-testid="login-notice">
            {props.notice}
          </p>
        )}
        {mode === 'password' ? <PasswordForm onLogin={props.onLogin} /> : <TokenForm onLogin={props.onToken} />}
        <button
          type="button"
          className="ghost small"
          onClick={() => setMode(mode === 'password' ? 'token' : 'password')}
          data-testid="login-switch"
        >
          {mode === 'password' ? 'Use a token instead' : 'Use a user name and password'}
        </button>
      </section>
    </main>
  );
}
