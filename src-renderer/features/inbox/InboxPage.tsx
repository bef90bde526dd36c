import { hrefFor } from '../../lib/router';
import { EmptyState } from '../../ui/EmptyState';
import { ProposalInbox } from './ProposalInbox';

export function InboxPage() {
  return (
    <>
      <h1>Inbox</h1>
      <p className="lede">Changes your agents propose, from every module. Nothing happens until you approve it.</p>
      <ProposalInbox
        title="Pending proposals"
        empty={
          <EmptyState title="You're all caught up.">
            Proposals appear here when a mission runs. <a href={hrefFor({ page: 'missions' })}>See your mission list</a> or{' '}
            <a href={hrefFor({ page: 'mission-new' })}>create one from a template</a>.
          </EmptyState>
        }
      />
    </>
  );
}
