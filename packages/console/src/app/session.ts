/**
 * The admin token lives in sessionStorage: it survives a reload but not the
 * closing of the tab, and it is never written to a cookie or a URL.
 */

const KEY = 'aurora.token';

/** The stored token, if any. */
export function loadToken(): string | undefined {
  try {
    return window.sessionStorage.getItem(KEY) ?? undefined;
  } catch {
    return undefined; // storage disabled by the browser: the user logs in per page load
  }
}

/** Stores the token, or removes it when `undefined`. */
export function saveToken(token: string | undefined): void {
  try {
    if (token === undefined) window.sessionStorage.removeItem(KEY);
    else window.sessionStorage.setItem(KEY, token);
  } catch {
    // storage disabled: the token still lives in memory for this page
  }
}
