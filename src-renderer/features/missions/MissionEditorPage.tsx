/** New mission (blank or from a template) and editing an existing one. */
import { useMemo } from 'react';
import { nextRunAfter } from '../../../src-shared/cadence';
import { AI_APP, DEFAULT_AGENT_ID, TABLES, type Mission } from '../../../src-shared/domain/ai';
import { useReplicaCaughtUp } from '../../db/hooks';
import { writeRecord } from '../../db/write';
import { newId } from '../../lib/ids';
import { hrefFor, navigate } from '../../lib/router';
import { showToast } from '../../ui/toasts';
import { markOnboarded } from '../onboarding/firstRun';
import { runnerTimeZone } from '../settings/timeZone';
import { draftFromCadence, EMPTY_CADENCE } from './cadence';
import { useMission } from './data';
import { MissionForm, type MissionDraft, type MissionValues } from './MissionForm';
import { templateById, TEMPLATES } from './templates';
import { usePickableRecords } from './useModuleRecords';

function draftOfMission(m: Mission): MissionDraft {
  return {
    title: m.title,
    objective: m.objective,
    conceptMarkdown: m.conceptMarkdown,
    inputs: m.inputs,
    cadence: draftFromCadence(m.cadence),
    agentId: m.agentId ?? DEFAULT_AGENT_ID,
    planWhileWaiting: m.planWhileWaiting,
  };
}

async function nextRunAt(values: MissionValues): Promise<string | null> {
  return nextRunAfter(values.cadence, new Date(), await runnerTimeZone())?.toISOString() ?? null;
}

async function createMission(values: MissionValues): Promise<string> {
  const id = newId();
  await writeRecord(
    AI_APP,
    TABLES.missions,
    id,
    {
      ...values,
      state: 'active',
      nextRunAt: await nextRunAt(values),
      failureStreak: 0,
      needsAttention: false,
      createdAt: new Date().toISOString(),
    },
    'insert',
  );
  return id;
}

/** Writes only what changed; a new cadence of an active mission also moves its next run. */
async function updateMission(mission: Mission, values: MissionValues): Promise<void> {
  const before = draftOfMission(mission);
  const changed: Record<string, unknown> = {};
  for (const key of ['title', 'objective', 'conceptMarkdown', 'agentId', 'planWhileWaiting'] as const) if (values[key] !== before[key]) changed[key] = values[key];
  if (JSON.stringify(values.inputs) !== JSON.stringify(mission.inputs)) changed.inputs = values.inputs;
  if (JSON.stringify(values.cadence) !== JSON.stringify(mission.cadence)) {
    changed.cadence = values.cadence;
    if (mission.state === 'active') changed.nextRunAt = await nextRunAt(values);
  }
  if (Object.keys(changed).length) await writeRecord(AI_APP, TABLES.missions, mission.id, changed);
}

function NewMission({ template }: { template?: string }) {
  const t = templateById(template);
  const pickable = usePickableRecords();
  const caughtUp = useReplicaCaughtUp();
  // Template inputs are picked from what exists once the replica has caught up with the engine.
  const initial = useMemo<MissionDraft | null>(() => {
    if (!pickable || !caughtUp) return null;
    const inputs = t?.inputs ? pickable.filter((r) => r.module === t.inputs!.module).slice(0, t.inputs.count).map(({ module, table, id }) => ({ module, table, id })) : [];
    return {
      title: t?.title ?? '',
      objective: t?.objective ?? '',
      conceptMarkdown: t?.conceptMarkdown ?? '',
      inputs,
      cadence: t ? draftFromCadence(t.cadence) : EMPTY_CADENCE,
      agentId: DEFAULT_AGENT_ID,
      planWhileWaiting: false,
    };
  }, [pickable, caughtUp, t]);
  if (!initial) return <p className="muted">Loading…</p>;
  return (
    <>
      <h1>New mission</h1>
      <nav className="template-switch" aria-label="Templates">
        <span className="muted small">Start from:</span>
        <a href={hrefFor({ page: 'mission-new' })} aria-current={!t ? 'page' : undefined}>
          Blank
        </a>
        {TEMPLATES.map((x) => (
          <a key={x.id} href={hrefFor({ page: 'mission-new', template: x.id })} aria-current={t?.id === x.id ? 'page' : undefined}>
            {x.title}
          </a>
        ))}
      </nav>
      <MissionForm
        initial={initial}
        submitLabel="Create mission"
        onCancel={() => navigate({ page: 'missions' })}
        onSubmit={async (values) => {
          const id = await createMission(values);
          markOnboarded();
          showToast({ kind: 'info', title: `Created “${values.title}”.`, body: 'Press “Run now” to plan it right away.' });
          navigate({ page: 'mission', missionId: id });
        }}
      />
    </>
  );
}

function EditMission({ missionId }: { missionId: string }) {
  const mission = useMission(missionId);
  if (mission === undefined) return <p className="muted">Loading…</p>;
  if (mission === null) return <h1>Mission not found</h1>;
  return (
    <>
      <h1>Edit “{mission.title}”</h1>
      <MissionForm
        initial={draftOfMission(mission)}
        submitLabel="Save changes"
        onCancel={() => navigate({ page: 'mission', missionId })}
        onSubmit={async (values) => {
          await updateMission(mission, values);
          navigate({ page: 'mission', missionId });
        }}
      />
    </>
  );
}

export function MissionEditorPage({ missionId, template }: { missionId?: string; template?: string }) {
  return missionId ? <EditMission missionId={missionId} /> : <NewMission template={template} />;
}
