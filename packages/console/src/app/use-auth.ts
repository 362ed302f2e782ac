/**
 * Who the console is signed in as, and keeping it so: a password login is a
 * {@link LoginSession} whose access token (15 minutes by default) is refreshed
 * silently shortly before it expires; a token sign-in just sends its token.
 */
import { AuroraApiError, AuroraClient, LoginSession, type LoginSessionOptions } from '@aurora/sdk';
import { useCallback, useEffect, useState } from 'react';
import { acrossTabs, loadToken, loginRemembered, rememberLogin, saveToken } from './session.js';

export type Auth =
  | { status: 'resuming' }
  | { status: 'signed-out'; notice?: string | undefined }
  | { status: 'token'; client: AuroraClient; who: string }
  | { status: 'login'; client: AuroraClient; who: string; session: LoginSession };

/** How a browser login keeps its session: the refresh token stays in the httpOnly cookie. */
export function browserSessionOptions(): LoginSessionOptions {
  return { baseUrl: window.location.origin, refreshIn: 'cookie', serialize: acrossTabs };
}

/** A failed refresh is retried this often while the server cannot be reached. */
const RETRY_MS = 10_000;

function initial(): Auth {
  const token = loadToken();
  if (token)
    return { status: 'token', client: new AuroraClient({ baseUrl: window.location.origin, token }), who: 'token' };
  return loginRemembered() ? { status: 'resuming' } : { status: 'signed-out' };
}

export interface AuthControls {
  auth: Auth;
  /** After the login page checked a token against the server. */
  signInWithToken(token: string): void;
  /** After the login page logged in with a name and password. */
  signInWithSession(session: LoginSession): void;
  /** Logs out (ending the server session of a password login); `notice` is shown on the login page. */
  signOut(notice?: string): void;
}

export function useAuth(): AuthControls {
  const [auth, setAuth] = useState<Auth>(initial);

  const signInWithToken = useCallback((token: string) => {
    saveToken(token);
    setAuth({ status: 'token', client: new AuroraClient({ baseUrl: window.location.origin, token }), who: 'token' });
  }, []);

  const signInWithSession = useCallback((session: LoginSession) => {
    saveToken(undefined);
    rememberLogin(true);
    setAuth({ status: 'login', client: session.client, who: session.user.name, session });
  }, []);

  const signOut = useCallback(
    (notice?: string) => {
      saveToken(undefined);
      rememberLogin(false);
      // The server ends the session and clears the refresh cookie; a failure (already ended) changes nothing here.
      if (auth.status === 'login') void auth.session.logout().catch(() => {});
      setAuth({ status: 'signed-out', notice });
    },
    [auth],
  );

  // A reload or a new tab: pick the session up from the refresh cookie of an earlier login.
  useEffect(() => {
    if (auth.status !== 'resuming') return;
    let live = true;
    LoginSession.resume(browserSessionOptions())
      .then((session) => {
        if (live) setAuth({ status: 'login', client: session.client, who: session.user.name, session });
      })
      .catch((error: unknown) => {
        if (!live) return;
        rememberLogin(false);
        const ended = error instanceof AuroraApiError && error.status === 401;
        setAuth({ status: 'signed-out', notice: ended ? 'Your session ended; sign in again.' : String(error) });
      });
    return () => {
      live = false;
    };
  }, [auth.status]);

  // Silent refresh shortly before the access token expires; signed out when the session has ended.
  useEffect(() => {
    if (auth.status !== 'login') return;
    const { session } = auth;
    let timer: ReturnType<typeof setTimeout>;
    const schedule = (ms: number) => {
      timer = setTimeout(tick, Math.max(0, ms));
    };
    const tick = () => {
      session
        .refresh()
        .then(() => schedule(session.refreshAt - Date.now()))
        .catch((error: unknown) => {
          if (session.ended) return;
          if (error instanceof AuroraApiError && error.status === 401) {
            rememberLogin(false);
            setAuth({ status: 'signed-out', notice: `Signed out: ${error.message}` });
          } else schedule(RETRY_MS); // the server is away: try again, the access token may still be good
        });
    };
    schedule(session.refreshAt - Date.now());
    return () => clearTimeout(timer);
  }, [auth]);

  return { auth, signInWithToken, signInWithSession, signOut };
}
