import { ActivityCharts } from './ActivityCharts';
import { AuditTimeline } from './AuditTimeline';
import { ConflictList } from './ConflictList';

export function ActivityPage() {
  return (
    <>
      <h1>Activity</h1>
      <p className="lede">What your missions did and what you decided, over the last two weeks, and every change with who made it.</p>
      <ConflictList />
      <ActivityCharts />
      <AuditTimeline />
    </>
  );
}
