/**
 * Signing in to the headless host, as the browser tab sees it. The URL printed at start carries the
 * access token once (`/?token=…`); the host answers that page load with an HttpOnly session cookie,
 * which this page never sees and which carries every later call and the event stream. The token is
 * taken out of the address bar at once (so it is not bookmarked, shared or kept in history) and is
 * never put in a URL or in storage by this page.
 *
 * A tab whose calls are refused (401: the token was replaced, or the tab belongs to another host)
 * stops calling the api and asks `GET /api/session` — when the tab regains focus, and otherwise
 * less and less often — until the browser is signed in again (e.g. the fresh URL was opened in
 * another tab); then it resumes by itself.
 */
import { SESSION_PATH, type SessionAnswer, type SignInHint } from '../../src-shared/http-host';

export type { SignInHint };

/** Where an older version kept the token (now only removed). */
const LEGACY_STORAGE_KEY = 'mission-companion.token';

function forgetLegacyToken(): void {
  for (const storage of [() => window.sessionStorage, () => window.localStorage]) {
    try {
      storage().removeItem(LEGACY_STORAGE_KEY);
    } catch {
      // storage can be disabled (privacy settings): then nothing was kept there either
    }
  }
}

/** Removes `?token=` from the address bar (the host has set the cookie by now). Call once at start. */
export function dropTokenFromAddressBar(): void {
  forgetLegacyToken();
  const url = new URL(window.location.href);
  if (!url.searchParams.has('token')) return;
  url.searchParams.delete('token');
  window.history.replaceState(window.history.state, '', `${url.pathname}${url.search}${url.hash}`);
}

interface AuthState {
  unauthorized: boolean;
  hint: SignInHint | null;
}

let state: AuthState = { unauthorized: false, hint: null };
const listeners = new Set<() => void>();
const signedInAgainListeners = new Set<() => void>();

function setState(next: AuthState): void {
  state = next;
  for (const l of listeners) l();
}

export function isUnauthorized(): boolean {
  return state.unauthorized;
}

export function signInHint(): SignInHint | null {
  return state.hint;
}

export function subscribeAuth(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** Called when a tab that had lost access is signed in again (the client reopens its event stream). */
export function onSignedInAgain(listener: () => void): () => void {
  signedInAgainListeners.add(listener);
  return () => signedInAgainListeners.delete(listener);
}

/** First and longest wait between two session checks while the tab stays in the background. */
const CHECK_FIRST_MS = 15_000;
const CHECK_MAX_MS = 5 * 60_000;
let checkDelay = CHECK_FIRST_MS;
let checkTimer: ReturnType<typeof setTimeout> | null = null;
let checking: Promise<void> | null = null;

/** Asks the host once whether this browser is signed in; resumes the tab when it is. */
export function checkSession(): Promise<void> {
  checking ??= (async () => {
    try {
      const response = await fetch(SESSION_PATH);
      const body = (await response.json()) as Partial<SessionAnswer> | null;
      if (body?.signedIn === true) {
        signedIn();
        return;
      }
      if (body && 'signIn' in body && body.signIn) setState({ ...state, hint: body.signIn });
    } catch {
      // unreachable or not the host we know: keep the last hint and try again later
    } finally {
      checking = null;
    }
    scheduleCheck();
  })();
  return checking;
}

function scheduleCheck(): void {
  if (!state.unauthorized || checkTimer) return;
  checkTimer = setTimeout(() => {
    checkTimer = null;
    void checkSession();
  }, checkDelay);
  checkDelay = Math.min(checkDelay * 2, CHECK_MAX_MS);
}

function onFocus(): void {
  if (document.visibilityState === 'visible') void checkSession();
}

function signedIn(): void {
  if (!state.unauthorized) return;
  if (checkTimer) clearTimeout(checkTimer);
  checkTimer = null;
  checkDelay = CHECK_FIRST_MS;
  window.removeEventListener('focus', onFocus);
  document.removeEventListener('visibilitychange', onFocus);
  setState({ unauthorized: false, hint: null });
  for (const l of signedInAgainListeners) l();
}

/** The host refused this tab (401): stop calling the api, find out how to sign in, watch for focus. */
export function markUnauthorized(): void {
  if (state.unauthorized) return;
  setState({ unauthorized: true, hint: state.hint });
  window.addEventListener('focus', onFocus);
  document.addEventListener('visibilitychange', onFocus);
  void checkSession();
}
