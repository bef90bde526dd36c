/** The audit timeline: who changed which record, when, newest first, from the engine's change log. */
import { useLiveQuery } from 'dexie-react-hooks';
import { useCallback, useEffect, useMemo, useState } from 'react';
import type { ActivityEntry, MethodInput } from '../../../src-shared/api';
import { AI_APP, TABLES } from '../../../src-shared/domain/ai';
import { api } from '../../api/client';
import { getRecords } from '../../db/records';
import { recordKey } from '../../db/schema';
import { errorText, formatDate, formatTime, localDay } from '../../lib/format';
import { hrefFor } from '../../lib/router';
import { EmptyState } from '../../ui/EmptyState';
import { ErrorText } from '../../ui/ErrorText';
import { useDisplayNames, useProposals } from '../inbox/data';
import { UI_MODULES } from '../modules/catalog';
import { describeEntry, proposalTargetKey, type BeforeLookup } from './describeEntry';

const PAGE = 50;

const WHERE: { id: string; label: string; app?: string; table?: string }[] = [
  { id: 'all', label: 'Everything' },
  ...UI_MODULES.map((m) => ({ id: m.module, label: m.label, app: m.app, table: m.table })),
  { id: 'missions', label: 'Missions', app: AI_APP, table: TABLES.missions },
  { id: 'proposals', label: 'Proposals', app: AI_APP, table: TABLES.proposals },
  { id: 'iterations', label: 'Runs', app: AI_APP, table: TABLES.iterations },
  { id: 'agents', label: 'Agents', app: AI_APP, table: TABLES.agents },
];
const WHO = [
  { id: 'all', label: 'Everyone' },
  { id: 'user', label: 'You' },
  { id: 'agent', label: 'Agents' },
  { id: 'system', label: 'Mission runner' },
];

function useActivity(where: string, whoId: string) {
  const [entries, setEntries] = useState<ActivityEntry[] | null>(null);
  const [nextBefore, setNextBefore] = useState<number | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [loading, setLoading] = useState(false);
  const filter = useMemo(() => {
    const w = WHERE.find((x) => x.id === where);
    const input: MethodInput<'activity.list'> = { limit: PAGE };
    if (w?.app) input.app = w.app;
    if (w?.table) input.table = w.table;
    if (whoId !== 'all') input.origin = whoId;
    return input;
  }, [where, whoId]);

  const load = useCallback(
    async (before: number | null) => {
      setLoading(true);
      try {
        const page = await api().call('activity.list', { ...filter, ...(before ? { before } : {}) });
        setEntries((old) => (before && old ? [...old, ...page.entries] : page.entries));
        setNextBefore(page.nextBefore);
        setError(null);
      } catch (e) {
        setError(errorText(e));
      } finally {
        setLoading(false);
      }
    },
    [filter],
  );

  useEffect(() => {
    void load(null);
    // New changes arrive at the top: reload the newest page when the log grows.
    const off = api().on('sync.changed', () => void load(null));
    return off;
  }, [load]);
  return { entries, nextBefore, error, loading, loadMore: () => nextBefore && void load(nextBefore) };
}

/**
 * What each change made by an approved proposal found on its record: the proposal's execution
 * lists its effects' event ids and, in the same order, the fields as they were before.
 */
function useBeforeValues(): BeforeLookup {
  const proposals = useProposals();
  return useMemo(() => {
    const byEvent = new Map<string, Record<string, unknown> | null>();
    for (const p of proposals ?? []) {
      const ex = p.execution;
      ex?.eventIds.forEach((eventId, i) => byEvent.set(eventId, ex.before?.[i]?.fields ?? null));
    }
    return (eventId: string) => byEvent.get(eventId);
  }, [proposals]);
}

export function AuditTimeline() {
  const [where, setWhere] = useState('all');
  const [whoId, setWho] = useState('all');
  const { entries, nextBefore, error, loading, loadMore } = useActivity(where, whoId);
  const names = useDisplayNames();
  // The records the entries are about, and the targets of proposals, to name them by title.
  const byKey = useLiveQuery(async () => {
    const keys = [...new Set((entries ?? []).map((e) => recordKey(e.app, e.table, e.id)))];
    const found = await getRecords(keys);
    const targets = (entries ?? [])
      .map((e) => proposalTargetKey({ ...found.get(recordKey(e.app, e.table, e.id))?.data, ...e.fields }))
      .filter((k): k is string => !!k && !found.has(k));
    for (const [key, r] of await getRecords([...new Set(targets)])) found.set(key, r);
    return found;
  }, [entries]);
  const lookup = useCallback((key: string) => byKey?.get(key), [byKey]);
  const beforeOf = useBeforeValues();

  const days = useMemo(() => {
    const groups: { day: string; items: ActivityEntry[] }[] = [];
    for (const e of entries ?? []) {
      const day = localDay(e.createdAt);
      const last = groups.at(-1);
      if (last?.day === day) last.items.push(e);
      else groups.push({ day, items: [e] });
    }
    return groups;
  }, [entries]);

  return (
    <section aria-labelledby="audit-heading">
      <div className="title-row">
        <h2 id="audit-heading">Timeline</h2>
        <div className="actions">
          <label className="inline-label">
            Show
            <select value={where} onChange={(e) => setWhere(e.target.value)}>
              {WHERE.map((w) => (
                <option key={w.id} value={w.id}>
                  {w.label}
                </option>
              ))}
            </select>
          </label>
          <label className="inline-label">
            By
            <select value={whoId} onChange={(e) => setWho(e.target.value)}>
              {WHO.map((w) => (
                <option key={w.id} value={w.id}>
                  {w.label}
                </option>
              ))}
            </select>
          </label>
        </div>
      </div>
      <ErrorText error={error} />
      {!entries ? (
        <p className="muted">Loading…</p>
      ) : entries.length === 0 ? (
        <EmptyState title="Nothing recorded yet.">Every change — yours, an agent’s, the runner’s — shows up here with who made it.</EmptyState>
      ) : (
        days.map((g) => (
          <div key={g.day} className="timeline-day">
            <h3 className="day-head">{formatDate(g.day)}</h3>
            <ol className="timeline" aria-label={`Changes on ${formatDate(g.day)}`}>
              {g.items.map((e) => {
                const d = describeEntry(e, lookup, names, beforeOf);
                return (
                  <li key={e.seq} className={`timeline-entry by-${d.whoKind}`}>
                    <time dateTime={e.createdAt} className="muted small">
                      {formatTime(e.createdAt)}
                    </time>
                    <span className={`actor actor-${d.whoKind}`}>{d.who}</span> <span>{d.what}</span>
                    {d.missionId && (
                      <span className="muted small">
                        {' '}
                        in <a href={hrefFor({ page: 'mission', missionId: d.missionId })}>{names.missions.get(d.missionId) ?? 'a mission'}</a>
                      </span>
                    )}
                    {d.rationale && <p className="rationale small">Why: {d.rationale}</p>}
                  </li>
                );
              })}
            </ol>
          </div>
        ))
      )}
      {nextBefore && (
        <button type="button" onClick={loadMore} disabled={loading}>
          Load older changes
        </button>
      )}
    </section>
  );
}
