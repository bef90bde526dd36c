/**
 * Keyboard review of an inbox: j/k move between cards (pending first, then decided), a approves,
 * r rejects, e edits, u reverts the focused one. Each card marks its buttons with
 * `data-shortcut`, so a key does exactly what clicking that button does. One inbox per page.
 */
import { useEffect, type RefObject } from 'react';

const ITEM = '[data-review-item]';
const SHORTCUTS = new Set(['a', 'r', 'e', 'u']);

function isTyping(target: Element): boolean {
  return !!target.closest('input, textarea, select, [contenteditable="true"], dialog');
}

export function useReviewKeys(container: RefObject<HTMLElement | null>): void {
  useEffect(() => {
    const root = container.current;
    if (!root) return;
    const items = () => Array.from(root.querySelectorAll<HTMLElement>(ITEM));
    // The card that last held focus (itself or a field in it) and its place in the list.
    let focused: { item: HTMLElement; index: number } | null = null;

    function onFocusIn(e: FocusEvent): void {
      const item = e.target instanceof Element ? e.target.closest<HTMLElement>(ITEM) : null;
      if (item) focused = { item, index: items().indexOf(item) };
    }

    function onKey(e: KeyboardEvent): void {
      if (e.defaultPrevented || e.ctrlKey || e.metaKey || e.altKey) return;
      const target = e.target instanceof Element ? e.target : document.body;
      // A page has one inbox, so its keys work from anywhere (e.g. right after clicking "Inbox"),
      // except while typing.
      if (isTyping(target)) return;
      const list = items();
      if (list.length === 0) return;
      const current = target.closest<HTMLElement>(ITEM);
      const index = current ? list.indexOf(current) : -1;
      if (e.key === 'j' || e.key === 'k') {
        e.preventDefault();
        const next = e.key === 'j' ? Math.min(index + 1, list.length - 1) : Math.max(index - 1, 0);
        list[next]?.focus();
        list[next]?.scrollIntoView({ block: 'nearest' });
        return;
      }
      if (!SHORTCUTS.has(e.key) || !current) return;
      const button = current.querySelector<HTMLButtonElement>(`[data-shortcut="${e.key}"]`);
      if (!button || button.disabled) return;
      e.preventDefault();
      button.click();
    }

    // A decided card leaves the list once its new status syncs. If focus was in it, keep the
    // reviewer's place by focusing whatever took its slot instead of losing focus to the page.
    const observer = new MutationObserver(() => {
      if (!focused || focused.item.isConnected) return;
      const active = document.activeElement;
      const lost = !active || active === document.body || !active.isConnected;
      const list = items();
      const next = lost ? list[Math.min(focused.index, list.length - 1)] : undefined;
      focused = null;
      next?.focus();
    });
    observer.observe(root, { childList: true, subtree: true });
    root.addEventListener('focusin', onFocusIn);
    window.addEventListener('keydown', onKey);
    return () => {
      window.removeEventListener('keydown', onKey);
      root.removeEventListener('focusin', onFocusIn);
      observer.disconnect();
    };
  }, [container]);
}
