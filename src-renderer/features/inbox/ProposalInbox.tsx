import { startTransition, useEffect, useId, useMemo, useRef, useState, type ReactNode } from 'react';
import type { Proposal } from '../../../src-shared/domain/ai';
import { useInboxHydrating } from '../../db/hooks';
import { usePendingProposals, useRecentDecisions } from '../../db/proposals';
import { EmptyState } from '../../ui/EmptyState';
import { useDisplayNames, type ProposalFilter } from './data';
import { DecidedList } from './DecidedList';
import { useServerSync } from '../sync/serverSync';
import { IterationGroup } from './IterationGroup';
import { ProposalCard } from './ProposalCard';
import { useReviewKeys } from './useReviewKeys';

export const DAY_MS = 86_400_000;
/** Cards younger than this animate in: the runner just wrote them. */
const FRESH_MS = 20_000;
/** Each card animates once per session, not on every visit of the page. */
const animated = new Set<string>();

interface Props {
  filter?: ProposalFilter;
  /** heading of the pending list */
  title: string;
  headingLevel?: 2 | 3;
  /** what to say when nothing is pending; a string is shown as one quiet line (module pages) */
  empty?: ReactNode;
  /** how many recent decisions to list (module pages keep it short so their records stay in view) */
  decidedLimit?: number;
  /** list only decisions younger than this (module pages: the last day) */
  decidedWithinMs?: number;
  /** name each plan's mission (off on a mission's own page) */
  showMission?: boolean;
}

interface Group {
  iterationId: string;
  proposals: Proposal[];
}

function groupByIteration(pending: Proposal[]): Group[] {
  const groups = new Map<string, Proposal[]>();
  for (const p of pending) {
    const list = groups.get(p.iterationId);
    if (list) list.push(p);
    else groups.set(p.iterationId, [p]);
  }
  return [...groups].map(([iterationId, proposals]) => ({ iterationId, proposals }));
}

/**
 * Many cards at once (a new replica's inbox, a large plan) are rendered a few at a time: CARDS_AT_ONCE
 * now, then as many more in each transition (React renders those in slices that yield to the
 * browser) until all are there. Rendering fifty cards in one go held the page for 100 ms and more.
 */
const CARDS_AT_ONCE = 8;

function useFirstCardsFirst(groups: Group[], count: number): Group[] {
  const [shown, setShown] = useState(CARDS_AT_ONCE);
  useEffect(() => {
    if (shown < count) startTransition(() => setShown((n) => n + CARDS_AT_ONCE));
  }, [shown, count]);
  if (shown >= count) return groups;
  const first: Group[] = [];
  let left = shown;
  for (const g of groups) {
    if (left <= 0) break;
    first.push(g.proposals.length <= left ? g : { ...g, proposals: g.proposals.slice(0, left) });
    left -= g.proposals.length;
  }
  return first;
}

function isFresh(p: Proposal): boolean {
  return !animated.has(p.id) && Date.now() - Date.parse(p.createdAt) < FRESH_MS;
}

export function ProposalInbox({ filter, title, headingLevel = 2, empty, decidedLimit = 20, decidedWithinMs, showMission = true }: Props) {
  const module = filter?.module;
  const missionId = filter?.missionId;
  const allPending = usePendingProposals();
  const decided = useRecentDecisions({ module, missionId, withinMs: decidedWithinMs, limit: decidedLimit });
  // A new replica fetches what the inbox shows first: until then "nothing pending" would be untrue.
  const fetchingInbox = useInboxHydrating();
  const names = useDisplayNames();
  const sync = useServerSync();
  /** another device's name on its plans, when this one syncs (a plan of this device needs no name) */
  const otherDevice = (name: string | null | undefined) => (sync && sync.state !== 'off' && name && name !== sync.deviceName ? name : null);
  const pendingId = useId();
  const decidedId = useId();
  const container = useRef<HTMLDivElement>(null);
  useReviewKeys(container);
  const Heading = headingLevel === 2 ? 'h2' : 'h3';

  const { groups, pendingCount } = useMemo(() => {
    const pending = (allPending ?? []).filter((p) => (!module || p.module === module) && (!missionId || p.missionId === missionId));
    return { groups: groupByIteration(pending), pendingCount: pending.length };
  }, [allPending, module, missionId]);
  const shown = useFirstCardsFirst(groups, pendingCount);

  // Decided once per card, so it keeps its "fresh" flag across re-renders of this inbox.
  const freshness = useRef(new Map<string, boolean>());
  for (const p of groups.flatMap((g) => g.proposals)) {
    if (!freshness.current.has(p.id)) freshness.current.set(p.id, isFresh(p));
  }
  useEffect(() => {
    for (const id of freshness.current.keys()) animated.add(id);
  });

  // The same root element while loading, so the keyboard hook is attached from the first render.
  if (!allPending || !decided || fetchingInbox)
    return (
      <div className="inbox" ref={container}>
        <p className="muted">Loading…</p>
      </div>
    );
  const missionTitle = (p: Proposal) => p.missionTitle ?? names.missions.get(p.missionId) ?? 'Unknown mission';
  const agentName = (p: Proposal) => p.agentName ?? names.agents.get(p.agentId) ?? p.agentId;

  return (
    <div className="inbox" ref={container}>
      <section aria-labelledby={pendingId}>
        <div className="section-head">
          <Heading id={pendingId}>
            {title} <span className="count">({pendingCount})</span>
          </Heading>
          {pendingCount > 0 && (
            <p className="keys-hint muted small" aria-hidden="true">
              <kbd>j</kbd>/<kbd>k</kbd> move · <kbd>a</kbd> approve · <kbd>e</kbd> edit · <kbd>r</kbd> reject · <kbd>u</kbd> revert
            </p>
          )}
        </div>
        {pendingCount === 0 ? (
          typeof empty === 'string' ? (
            <p className="muted inbox-empty">{empty}</p>
          ) : (
            (empty ?? <EmptyState title="Nothing to review.">New proposals appear here when a mission runs.</EmptyState>)
          )
        ) : (
          shown.map((g) => {
            const first = g.proposals[0]!;
            return (
              <IterationGroup
                key={g.iterationId}
                iterationId={g.iterationId}
                missionId={first.missionId}
                missionTitle={missionTitle(first)}
                agentName={agentName(first)}
                createdAt={first.createdAt}
                count={g.proposals.length}
                showMission={showMission}
                plannedOn={g.proposals.find((p) => (p.plannedOn?.length ?? 0) > 1)?.plannedOn ?? null}
                plannedBy={otherDevice(first.plannedBy?.name)}
              >
                {g.proposals.map((p) => (
                  <ProposalCard
                    key={p.id}
                    proposal={p}
                    agentName={agentName(p)}
                    missionTitle={showMission ? missionTitle(p) : null}
                    fresh={freshness.current.get(p.id) ?? false}
                  />
                ))}
              </IterationGroup>
            );
          })
        )}
      </section>
      {(decided.length > 0 || decidedLimit >= 20) && (
        <section aria-labelledby={decidedId}>
          <Heading id={decidedId}>Recently decided</Heading>
          <DecidedList proposals={decided} missionTitle={missionTitle} />
        </section>
      )}
    </div>
  );
}
