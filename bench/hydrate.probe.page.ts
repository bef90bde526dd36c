/**
 * Runs in the app's page, before the app (hydrate.year.ts adds it as an init script, built as a
 * classic script by scripts/bench.mjs): collects the page's long tasks, notes when the Inbox shows
 * every pending card actionable, and times decisions as a person makes them.
 */
import { fetchSnapshotPages } from './fetch-snapshot-pages';
import type { ApprovalTiming, ProbeFacts } from './hydrate.types';

const longTasks: { start: number; duration: number }[] = [];
let inboxUsableAt: number | null = null;

new PerformanceObserver((list) => {
  for (const e of list.getEntries()) longTasks.push({ start: e.startTime, duration: e.duration });
}).observe({ type: 'longtask', buffered: true });

const ACTIONABLE = 'article.ghost-card .actions button.primary:not([disabled])';

/** Checks each frame until `pending` cards have an enabled Approve button. */
function watchInbox(pending: number): void {
  const check = () => {
    if (document.querySelectorAll(ACTIONABLE).length >= pending) inboxUsableAt = performance.now();
    else requestAnimationFrame(check);
  };
  requestAnimationFrame(check);
}

function facts(): ProbeFacts {
  const mark = (name: string) => performance.getEntriesByName(name, 'mark')[0] as PerformanceMark | undefined;
  const hydrated = mark('replica:hydrated');
  return {
    longTasks,
    inboxUsableAt,
    start: mark('replica:hydration-start')?.startTime ?? null,
    hydrated: hydrated?.startTime ?? null,
    records: (hydrated?.detail as { records?: number } | null)?.records ?? null,
  };
}

/** Approves the first card; resolves with the time from the click to the first frame without it. */
async function approveFirstCard(): Promise<ApprovalTiming> {
  const card = document.querySelector('article.ghost-card');
  const button = card?.querySelector<HTMLButtonElement>('.actions button.primary');
  if (!card || !button) throw new Error('no card to approve');
  const start = performance.now();
  button.click();
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('the card stayed for 10 s')), 10_000);
    const observer = new MutationObserver(() => {
      if (card.isConnected) return;
      observer.disconnect();
      clearTimeout(timer);
      resolve();
    });
    observer.observe(document.body, { childList: true, subtree: true });
  });
  await new Promise((resolve) => requestAnimationFrame(resolve));
  const end = performance.now();
  return { ms: end - start, start, end };
}

(globalThis as unknown as { benchProbe: unknown }).benchProbe = { watchInbox, facts, approveFirstCard, fetchOnly: fetchSnapshotPages };
