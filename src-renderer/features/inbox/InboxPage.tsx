import { ProposalInbox } from './ProposalInbox';

export function InboxPage() {
  return (
    <>
      <h1>Inbox</h1>
      <p className="lede">Changes your agents propose. Nothing happens until you approve it.</p>
      <ProposalInbox title="Pending proposals" />
    </>
  );
}
