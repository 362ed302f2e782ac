/**
 * What the console remembers about signing in, and nothing secret it does not have to:
 * - a password login keeps its refresh token in the server's httpOnly cookie, out of reach of
 *   scripts; the console only notes (in localStorage) that one was made, so a reload or a new tab
 *   picks the session up from the cookie instead of asking for the password again;
 * - a token sign-in (automation users, the admin token) keeps the token in sessionStorage: it
 *   survives a reload but not the closing of the tab, and it is never written to a cookie or a URL.
 */

const TOKEN_KEY = 'aurora.token';
const LOGIN_KEY = 'aurora.login';

function storage(kind: 'session' | 'local'): Storage | undefined {
  try {
    return kind === 'session' ? window.sessionStorage : window.localStorage;
  } catch {
    return undefined; // storage disabled by the browser: sign-in lasts for this page load only
  }
}

function write(kind: 'session' | 'local', key: string, value: string | undefined): void {
  try {
    const s = storage(kind);
    if (value === undefined) s?.removeItem(key);
    else s?.setItem(key, value);
  } catch {
    // storage full or disabled: the sign-in still lives in memory for this page
  }
}

/** The stored token of a token sign-in, if any. */
export function loadToken(): string | undefined {
  try {
    return storage('session')?.getItem(TOKEN_KEY) ?? undefined;
  } catch {
    return undefined;
  }
}

/** Stores the token, or removes it when `undefined`. */
export function saveToken(token: string | undefined): void {
  write('session', TOKEN_KEY, token);
}

/** Whether a password login was made in this browser (its refresh cookie may still be good). */
export function loginRemembered(): boolean {
  try {
    return storage('local')?.getItem(LOGIN_KEY) === '1';
  } catch {
    return false;
  }
}

export function rememberLogin(made: boolean): void {
  write('local', LOGIN_KEY, made ? '1' : undefined);
}

/**
 * Runs a refresh under a lock shared by this browser's tabs of the console, where the Web Locks
 * API exists: the server replaces the refresh cookie on every use, so two tabs refreshing at the
 * same moment would spend one cookie twice and the second would be signed out.
 */
export function acrossTabs<T>(refresh: () => Promise<T>): Promise<T> {
  const locks = typeof navigator === 'undefined' ? undefined : navigator.locks;
  return locks ? (locks.request('aurora-session-refresh', refresh) as Promise<T>) : refresh();
}
