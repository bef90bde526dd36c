/**
 * Settings → Sync: the sync server this device mirrors its data with (address, this device's token,
 * its name), whether its runner plans missions (the runner role, in plain words), how sync goes
 * now with the last problem in words, and the changes the server refused, which stay here until
 * they are tried again.
 */
import { useState } from 'react';
import type { ParkedChange } from '../../../src-shared/api';
import { AI_APP, TABLES } from '../../../src-shared/domain/ai';
import type { PublicSettings, RunnerRole, SettingsPatch } from '../../../src-shared/domain/settings';
import { urlOrigin } from '../../../src-shared/url-credentials';
import { api } from '../../api/client';
import { formatDateTime } from '../../lib/format';
import { submitTo, useAction } from '../../lib/useAction';
import { ErrorText } from '../../ui/ErrorText';
import { Field } from '../../ui/Field';
import { useNow } from '../../ui/useNow';
import { moduleByLocation } from '../modules/catalog';
import { refreshServerSync, setServerSync, useServerSync } from './serverSync';
import { RUNNER_ROLES, claimsSentence, syncStateSentence } from './syncText';

interface Draft {
  serverUrl: string;
  /** a new token; empty leaves the stored one alone */
  token: string;
  deviceName: string;
  role: RunnerRole;
}

function draftOf(s: PublicSettings): Draft {
  return { serverUrl: s.sync.serverUrl ?? '', token: '', deviceName: s.sync.deviceName, role: s.runner.role };
}

/** The changes a draft makes to saved settings (null: none). */
export function syncPatchOf(draft: Draft, saved: PublicSettings): SettingsPatch | null {
  const patch: SettingsPatch = {};
  const url = draft.serverUrl.trim().replace(/\/+$/, '');
  if (url !== (saved.sync.serverUrl ?? '')) patch.sync = { serverUrl: url };
  if (draft.deviceName.trim() !== saved.sync.deviceName) patch.sync = { ...patch.sync, deviceName: draft.deviceName.trim() };
  if (draft.role !== saved.runner.role) patch.runner = { role: draft.role };
  if (draft.token.trim()) patch.syncToken = draft.token.trim();
  return Object.keys(patch).length ? patch : null;
}

const AI_NOUNS: Record<string, string> = { [TABLES.missions]: 'Mission', [TABLES.iterations]: 'Plan', [TABLES.proposals]: 'Proposal', [TABLES.agents]: 'Agent' };

/** "Task “Buy milk”", "Mission “Plan my week”": what a parked change is about. */
function parkedWhat(c: ParkedChange): string {
  const noun = c.app === AI_APP ? AI_NOUNS[c.table] : moduleByLocation(c.app, c.table)?.noun;
  const kind = noun ? noun[0]!.toUpperCase() + noun.slice(1) : 'A record';
  const verb = c.op === 'delete' ? ' (deleted)' : c.op === 'insert' ? ' (new)' : ' (edited)';
  return `${kind}${c.title ? ` “${c.title}”` : ''}${verb}`;
}

function ParkedChanges({ count }: { count: number }) {
  const list = useAction(() => api().call('syncServer.parked', { limit: 100 }));
  const retry = useAction(async () => {
    const result = await api().call('syncServer.retryParked', {});
    refreshServerSync();
    await list.run();
    return result;
  });
  if (count === 0) return null;
  const shown = list.result;
  return (
    <div className="stack">
      <h3>Refused by the server ({count})</h3>
      <p className="hint">These changes are kept on this device; nothing was lost. Fix what the reason says (or update the server), then try again.</p>
      {!shown ? (
        <button type="button" className="small" onClick={() => void list.run()} disabled={list.busy}>
          Show them
        </button>
      ) : (
        <ul className="parked-list">
          {shown.changes.map((c) => (
            <li key={c.seq}>
              <strong>{parkedWhat(c)}</strong>
              <span className="muted small"> · {formatDateTime(c.parkedAt)}</span>
              <div className="small">{c.reason}</div>
            </li>
          ))}
        </ul>
      )}
      <div className="actions">
        <button type="button" onClick={() => void retry.run()} disabled={retry.busy}>
          Try again
        </button>
        {retry.result && !retry.busy && (
          <span role="status" className={retry.result.stillParked ? 'warn' : 'ok'}>
            {retry.result.accepted} sent, {retry.result.stillParked} still refused.
          </span>
        )}
      </div>
      <ErrorText error={list.error ?? retry.error} />
    </div>
  );
}

function SyncState() {
  const status = useServerSync();
  const now = useNow(1000);
  const syncNow = useAction(async () => setServerSync(await api().call('syncServer.syncNow')));
  if (!status) return null;
  const claims = claimsSentence(status);
  return (
    <div className="sync-state" aria-label="Sync state">
      <p role="status" className={status.state === 'synced' ? 'ok' : status.state === 'off' || status.state === 'starting' || status.state === 'syncing' ? 'muted' : 'warn'}>
        {syncStateSentence(status, now)}
      </p>
      {status.lastError && (
        <p className="error" role="alert">
          {status.lastError}
        </p>
      )}
      {status.state !== 'off' && status.waiting > 0 && (
        <p className="muted">
          {status.waiting.toLocaleString()} change{status.waiting === 1 ? '' : 's'} made here wait{status.waiting === 1 ? 's' : ''} to be sent.
        </p>
      )}
      {status.unreadableReceived > 0 && (
        <p className="warn">{status.unreadableReceived} change(s) from the server could not be read and were skipped (see the log).</p>
      )}
      {claims && <p className="hint">{claims}</p>}
      {status.state !== 'off' && (
        <div className="actions">
          <button type="button" onClick={() => void syncNow.run()} disabled={syncNow.busy}>
            Sync now
          </button>
        </div>
      )}
      <ErrorText error={syncNow.error} />
      <ParkedChanges count={status.parked} />
    </div>
  );
}

/**
 * What the token field says: saved (and kept for its server), about to be removed because the
 * draft names another server, removed for that reason earlier, or where to get one.
 */
export function syncTokenHint(draft: Draft, saved: PublicSettings): string {
  const { secrets } = saved;
  if (secrets.syncTokenSet) {
    const savedFor = urlOrigin(saved.sync.serverUrl ?? '');
    const draftFor = urlOrigin(draft.serverUrl);
    if (!draft.token && savedFor && draftFor && savedFor !== draftFor) {
      return `The saved token is for ${savedFor}. Saving another server's address removes it; paste that server's token here.`;
    }
    return 'A token is saved, and only sent to this server. Paste a new one to replace it.';
  }
  if (secrets.syncTokenDroppedFor) return `The saved token was for another server (${secrets.syncTokenDroppedFor}); paste this server's token to sync with it.`;
  return 'On the server, `npm run serve -- users add NAME` (or `users token NAME` for another device) prints one on its last line.';
}

export function SyncSettings({ initial, onSaved }: { initial: PublicSettings; onSaved: (s: PublicSettings) => void }) {
  const [saved, setSaved] = useState(initial);
  const [draft, setDraft] = useState<Draft>(() => draftOf(initial));
  const set = (patch: Partial<Draft>) => {
    save.reset();
    setDraft((d) => ({ ...d, ...patch }));
  };
  const save = useAction(async () => {
    if (!draft.deviceName.trim()) throw new Error('Give this device a name (it shows on the plans it makes).');
    const patch = syncPatchOf(draft, saved);
    if (!patch) return true;
    const next = await api().call('settings.update', patch);
    setSaved(next);
    setDraft(draftOf(next));
    onSaved(next);
    refreshServerSync();
    return true;
  });
  const removeToken = useAction(async () => {
    const next = await api().call('settings.update', { syncToken: null });
    setSaved(next);
    onSaved(next);
    refreshServerSync();
    return next;
  });
  return (
    <form className="stack settings" onSubmit={submitTo(save)} aria-label="Sync">
      <Field label="Sync server address" hint="Where your sync server answers, e.g. http://homeserver:5177 (a Mission Companion host started with --sync, or another sync server). Empty: this device keeps its data to itself.">
        {(control) => <input {...control} value={draft.serverUrl} onChange={(e) => set({ serverUrl: e.target.value })} placeholder="http://homeserver:5177" spellCheck={false} inputMode="url" />}
      </Field>
      <Field
        label="This device’s token"
        hint={
          syncTokenHint(draft, saved)
        }
      >
        {(control) => <input {...control} type="password" value={draft.token} onChange={(e) => set({ token: e.target.value })} autoComplete="off" spellCheck={false} />}
      </Field>
      <Field label="This device’s name" hint="Shown on the plans this device makes, so you can tell devices apart.">
        {(control) => <input {...control} value={draft.deviceName} onChange={(e) => set({ deviceName: e.target.value })} maxLength={100} />}
      </Field>
      <fieldset className="sync-roles">
        <legend>Does this device plan missions?</legend>
        {RUNNER_ROLES.map((r) => (
          <label key={r.value} className="checkbox">
            <input type="radio" name="runner-role" value={r.value} checked={draft.role === r.value} onChange={() => set({ role: r.value })} />
            <span>
              {r.label}
              <span className="hint">{r.hint}</span>
            </span>
          </label>
        ))}
      </fieldset>
      <div className="actions">
        <button type="submit" className="primary" disabled={save.busy}>
          Save sync settings
        </button>
        {saved.secrets.syncTokenSet && (
          <button type="button" onClick={() => void removeToken.run()} disabled={removeToken.busy}>
            Remove token
          </button>
        )}
        {save.result && !save.busy && (
          <span className="ok" role="status">
            Saved.
          </span>
        )}
      </div>
      <ErrorText error={save.error ?? removeToken.error} />
      <SyncState />
    </form>
  );
}
