import { useId, useMemo } from 'react';
import type { Proposal } from '../../../src-shared/domain/ai';
import { useDisplayNames, useProposals } from './data';
import { DecidedList } from './DecidedList';
import { ProposalCard } from './ProposalCard';

const DECIDED_SHOWN = 20;
const DECIDED: ReadonlySet<Proposal['status']> = new Set(['approved', 'rejected', 'failed', 'reverted']);

interface Props {
  /** only this module's proposals; all modules when absent */
  module?: string;
  /** heading of the pending list */
  title: string;
  headingLevel?: 2 | 3;
}

export function ProposalInbox({ module, title, headingLevel = 2 }: Props) {
  const proposals = useProposals(module);
  const names = useDisplayNames();
  const pendingId = useId();
  const decidedId = useId();
  const Heading = headingLevel === 2 ? 'h2' : 'h3';

  const { pending, decided } = useMemo(() => {
    const all = proposals ?? [];
    return {
      pending: all.filter((p) => p.status === 'pending').sort((a, b) => a.createdAt.localeCompare(b.createdAt)),
      decided: all
        .filter((p) => DECIDED.has(p.status))
        .sort((a, b) => (b.revertedAt ?? b.decidedAt ?? b.createdAt).localeCompare(a.revertedAt ?? a.decidedAt ?? a.createdAt))
        .slice(0, DECIDED_SHOWN),
    };
  }, [proposals]);

  if (!proposals) return <p className="muted">Loading…</p>;

  return (
    <div className="inbox">
      <section aria-labelledby={pendingId}>
        <Heading id={pendingId}>
          {title} <span className="count">({pending.length})</span>
        </Heading>
        {pending.length === 0 ? (
          <p className="muted">Nothing to review.</p>
        ) : (
          <div className="card-list">
            {pending.map((p) => (
              <ProposalCard
                key={p.id}
                proposal={p}
                agentName={p.agentName ?? names.agents.get(p.agentId) ?? p.agentId}
                missionTitle={p.missionTitle ?? names.missions.get(p.missionId) ?? 'Unknown mission'}
              />
            ))}
          </div>
        )}
      </section>
      <section aria-labelledby={decidedId}>
        <Heading id={decidedId}>Recently decided</Heading>
        <DecidedList proposals={decided} />
      </section>
    </div>
  );
}
