/**
 * Access token of the headless host, and whether the host refused it. The token arrives once as
 * `?token=…` in the URL printed by `npm run serve`; it is kept in sessionStorage (this tab, survives
 * reloads) and localStorage (new tabs) and removed from the address bar so it is not bookmarked
 * or shared by accident.
 */
const STORAGE_KEY = 'mission-companion.token';

function readStorage(storage: () => Storage): string | null {
  try {
    return storage().getItem(STORAGE_KEY);
  } catch {
    return null;
  }
}

function writeStorage(storage: () => Storage, value: string): void {
  try {
    storage().setItem(STORAGE_KEY, value);
  } catch {
    // Storage can be disabled (privacy settings); the token then lives only in memory.
  }
}

let token: string | null = null;

/** Takes the token from the URL (if present) or from storage. Call once, before the first api call. */
export function captureToken(): string | null {
  const url = new URL(window.location.href);
  const fromUrl = url.searchParams.get('token');
  if (fromUrl) {
    writeStorage(() => window.sessionStorage, fromUrl);
    writeStorage(() => window.localStorage, fromUrl);
    url.searchParams.delete('token');
    window.history.replaceState(window.history.state, '', `${url.pathname}${url.search}${url.hash}`);
    token = fromUrl;
  } else {
    token = readStorage(() => window.sessionStorage) ?? readStorage(() => window.localStorage);
  }
  return token;
}

export function accessToken(): string | null {
  return token;
}

let unauthorized = false;
const listeners = new Set<() => void>();

export function markUnauthorized(): void {
  if (unauthorized) return;
  unauthorized = true;
  for (const l of listeners) l();
}

export function isUnauthorized(): boolean {
  return unauthorized;
}

export function subscribeAuth(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}
