/**
 * Pause, resume, complete, archive and delete. These are local writes like any edit (the engine
 * sees them on the next push and aborts an in-flight run of a mission that is no longer active).
 */
import { nextRunAfter } from '../../../src-shared/cadence';
import { AI_APP, TABLES, type Mission } from '../../../src-shared/domain/ai';
import { deleteRecord, writeRecord } from '../../db/write';
import { hrefFor, navigate } from '../../lib/router';
import { useAction } from '../../lib/useAction';
import { ConfirmButton } from '../../ui/ConfirmButton';
import { ErrorText } from '../../ui/ErrorText';
import { showToast } from '../../ui/toasts';
import { runnerTimeZone } from '../settings/timeZone';

type Target = Mission['state'];

async function setState(mission: Mission, state: Target): Promise<void> {
  if (state === 'active') {
    // Resuming starts the cadence afresh from now, with the failure streak forgiven.
    const next = nextRunAfter(mission.cadence, new Date(), await runnerTimeZone());
    await writeRecord(AI_APP, TABLES.missions, mission.id, { state, nextRunAt: next?.toISOString() ?? null, failureStreak: 0, needsAttention: false });
  } else {
    await writeRecord(AI_APP, TABLES.missions, mission.id, { state });
  }
}

/** Resume a mission parked after too many failures: active, streak forgiven, next run from its cadence. */
export function ResumeButton({ mission }: { mission: Mission }) {
  const resume = useAction(() => setState(mission, 'active'));
  return (
    <>
      <button type="button" className="primary" onClick={() => void resume.run()} disabled={resume.busy}>
        Resume
      </button>
      <ErrorText error={resume.error} />
    </>
  );
}

export function StateControls({ mission }: { mission: Mission }) {
  const change = useAction((state: Target) => setState(mission, state));
  const button = (state: Target, label: string) => (
    <button type="button" onClick={() => void change.run(state)} disabled={change.busy}>
      {label}
    </button>
  );
  return (
    <>
      {mission.state === 'active' && button('paused', 'Pause mission')}
      {mission.state === 'paused' && button('active', 'Resume mission')}
      {(mission.state === 'done' || mission.state === 'archived') && button('active', 'Reopen mission')}
      {mission.state !== 'done' && mission.state !== 'archived' && button('done', 'Complete')}
      {mission.state !== 'archived' && button('archived', 'Archive')}
      <a className="button" href={hrefFor({ page: 'mission-edit', missionId: mission.id })}>
        Edit
      </a>
      <ConfirmButton
        label="Delete"
        className="danger-outline"
        title={`Delete “${mission.title}”?`}
        confirmLabel="Delete mission"
        onConfirm={async () => {
          await deleteRecord(AI_APP, TABLES.missions, mission.id);
          showToast({ kind: 'info', title: `Deleted “${mission.title}”.` });
          navigate({ page: 'missions' });
        }}
      >
        <p>
          The mission stops running. Its past iterations and decided proposals stay in Activity; pending proposals can still be reviewed in the inbox.
        </p>
      </ConfirmButton>
      <ErrorText error={change.error} />
    </>
  );
}
