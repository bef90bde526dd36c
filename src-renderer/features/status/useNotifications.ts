/**
 * Toasts for what needs the user: new proposals to review, a mission that keeps failing, and an
 * edit of theirs that a pulled change overwrote (a sync conflict).
 */
import { useEffect } from 'react';
import type { ConflictSignal } from '../../../src-shared/replica';
import { api } from '../../api/client';
import { subscribeConflicts } from '../../db/apply';
import { hrefFor } from '../../lib/router';
import { showToast } from '../../ui/toasts';
import { moduleByLocation } from '../modules/catalog';

function whoWrote(c: ConflictSignal): string {
  if (!c.actor) return 'another device';
  if (c.actor.kind === 'ai') return c.actor.displayName ?? 'an agent';
  return c.actor.displayName && c.actor.displayName !== 'You' ? c.actor.displayName : 'another device';
}

export function useNotifications(): void {
  useEffect(() => {
    const offs = [
      api().on('proposals.created', (e) =>
        showToast({
          kind: 'info',
          title: `${e.count} new proposal${e.count === 1 ? '' : 's'}`,
          body: `from “${e.missionTitle}”`,
          link: { href: hrefFor({ page: 'inbox' }), label: 'Review' },
        }),
      ),
      api().on('mission.attention', (e) =>
        showToast({
          kind: 'error',
          title: `“${e.missionTitle}” needs attention`,
          body: e.reason,
          link: { href: hrefFor({ page: 'mission', missionId: e.missionId }), label: 'Open mission' },
        }),
      ),
      subscribeConflicts((conflicts) => {
        const first = conflicts[0]!;
        const where = moduleByLocation(first.app, first.table)?.noun ?? first.table;
        showToast({
          kind: 'error',
          title: conflicts.length === 1 ? `Your edit of a ${where} was overwritten` : `${conflicts.length} of your edits were overwritten`,
          body: `${first.field} was changed by ${whoWrote(first)}.`,
          link: { href: hrefFor({ page: 'activity' }), label: 'See in Activity' },
        });
      }),
    ];
    return () => offs.forEach((off) => off());
  }, []);
}
