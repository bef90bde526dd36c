/**
 * A small toast queue outside React, so the sync loop and api events can raise toasts without a
 * component in between. Info toasts go away by themselves; errors stay until dismissed.
 */
import { useSyncExternalStore } from 'react';

export interface Toast {
  id: number;
  kind: 'info' | 'error';
  title: string;
  body?: string;
  link?: { href: string; label: string };
}

const INFO_MS = 7000;
const MAX_SHOWN = 4;

let toasts: Toast[] = [];
let nextId = 1;
const listeners = new Set<() => void>();

function emit(): void {
  for (const l of listeners) l();
}

export function dismissToast(id: number): void {
  toasts = toasts.filter((t) => t.id !== id);
  emit();
}

export function showToast(toast: Omit<Toast, 'id'>): number {
  const id = nextId++;
  // The oldest go first when many arrive at once (a burst of runs must not fill the screen).
  toasts = [...toasts, { ...toast, id }].slice(-MAX_SHOWN);
  emit();
  if (toast.kind === 'info') setTimeout(() => dismissToast(id), INFO_MS);
  return id;
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function useToasts(): Toast[] {
  return useSyncExternalStore(subscribe, () => toasts);
}
