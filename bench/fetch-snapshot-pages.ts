/**
 * The benches' "fetching alone" reference, in a page of the app's origin: every `sync.snapshot`
 * page in order, as hydration asks for them, writing nothing. Signed in as the app's own calls are
 * (the session cookie set when the page opened with ?token=, and the CSRF header). Resolves with
 * the milliseconds it took.
 */
import { snapshotLimit } from '../src-renderer/db/snapshotPages';
import { CSRF_HEADER, CSRF_HEADER_VALUE } from '../src-shared/http-host';

export async function fetchSnapshotPages(pageSize: number): Promise<number> {
  const started = performance.now();
  let afterKey: string | null = null;
  do {
    const response = await fetch('/api/sync.snapshot', {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'content-type': 'application/json', [CSRF_HEADER]: CSRF_HEADER_VALUE },
      body: JSON.stringify({ afterKey, limit: snapshotLimit(afterKey, pageSize) }),
    });
    if (!response.ok) throw new Error(`sync.snapshot answered ${response.status}`);
    afterKey = ((await response.json()) as { nextKey: string | null }).nextKey;
  } while (afterKey !== null);
  return performance.now() - started;
}
