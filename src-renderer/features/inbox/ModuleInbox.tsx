import { DAY_MS, ProposalInbox } from './ProposalInbox';

/**
 * The inbox on top of a module page: its pending cards, and only the last day's few decisions,
 * so the module's own records stay in view.
 */
export function ModuleInbox({ module, noun }: { module: string; noun: string }) {
  return <ProposalInbox filter={{ module }} title="Proposed changes" empty={`No ${noun} changes to review.`} decidedLimit={3} decidedWithinMs={DAY_MS} />;
}
