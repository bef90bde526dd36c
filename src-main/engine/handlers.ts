/** One handler per api.ts method. Inputs arrive parsed; errors are ApiError with a user-facing message. */
import { ApiError, type MethodName, type MethodOutput, type ParsedInput, type ShellPreferences, SNAPSHOT_PAGE_FORMAT } from '../../src-shared/api';
import { listActivity } from './activity';
import type { HistoryKeeper } from './history/keeper';
import { checkPushedChanges } from './push-edge';
import type { LlmClient } from './llm/client';
import { probeCapabilities, testConnection } from './llm/connection';
import { decideAll } from './proposals/batch';
import type { Proposals } from './proposals/service';
import type { Runner } from './runner/runner';
import type { Settings } from './settings';
import type { SyncClient } from './sync/client';
import { parkedChanges } from './sync/parked';
import { decodeSnapshotKey, encodeSnapshotKey, type SnapshotKey, type Store } from './store/store';

export type Handlers = { [M in MethodName]: (input: ParsedInput<M>) => Promise<MethodOutput<M>> | MethodOutput<M> };

export interface HandlerDeps {
  store: Store;
  settings: Settings;
  runner: Runner;
  proposals: Proposals;
  llm: LlmClient;
  history: HistoryKeeper;
  sync: SyncClient;
  /** the engine's clock (pushed stamps are checked against it) */
  now: () => Date;
  /** the replica epoch of this log (see ReplicaEpoch in src-shared/api.ts) */
  epoch: string;
  /** after data changed; `touched` names the tables written when the caller knows them */
  changed: (touched?: readonly { app: string; table: string }[]) => void;
}

/**
 * What the engine answers for the desktop shell's preferences: nothing to set. Electron main answers
 * `shell.*` itself before calling the engine, so these answers are what the headless host gives.
 */
export const NO_DESKTOP_SHELL: ShellPreferences = {
  available: false,
  launchAtLogin: false,
  launchAtLoginUnavailable: 'Launch at login is a setting of the desktop app; start the headless host from your service manager (systemd, launchd, Task Scheduler) instead.',
};

function snapshotStart(afterKey: string | null): SnapshotKey | null {
  const after = afterKey === null ? null : decodeSnapshotKey(afterKey);
  if (afterKey !== null && !after) {
    throw new ApiError('BAD_INPUT', 'afterKey must be a nextKey returned by sync.snapshot.', [{ path: ['afterKey'], message: 'not a snapshot key' }]);
  }
  return after;
}

/**
 * Methods whose answer can be written as JSON text without building it as objects first (for the
 * HTTP host): the handler's answer, serialised. Null means "use the handler".
 */
export type JsonHandlers = { [M in MethodName]?: (input: ParsedInput<M>) => string | null };

export function createJsonHandlers({ store, epoch }: Pick<HandlerDeps, 'store' | 'epoch'>): JsonHandlers {
  return {
    'sync.snapshot': ({ afterKey, limit }) => {
      const page = store.snapshotRecordsJson(snapshotStart(afterKey), limit);
      if (!page) return null;
      const nextKey = page.nextKey && encodeSnapshotKey(page.nextKey);
      // the records' stamps as stored: packed (SNAPSHOT_PAGE_FORMAT)
      return `{"records":${page.recordsJson},"seq":${page.seq},"nextKey":${JSON.stringify(nextKey)},"epoch":${JSON.stringify(epoch)},"format":${SNAPSHOT_PAGE_FORMAT}}`;
    },
  };
}

export function createHandlers({ store, settings, runner, proposals, llm, history, sync, now, epoch, changed }: HandlerDeps): Handlers {
  return {
    'sync.push': ({ clientId, changes }) => {
      checkPushedChanges(changes, now());
      const result = store.push(clientId, changes);
      if (result.accepted > 0) changed(changes);
      return result;
    },
    'sync.pull': ({ since, limit }) => ({ ...store.pull(since, limit), epoch }),
    'sync.snapshot': ({ afterKey, limit }) => {
      const page = store.snapshot(snapshotStart(afterKey), limit);
      return { records: page.records, seq: page.seq, nextKey: page.nextKey && encodeSnapshotKey(page.nextKey), epoch, format: SNAPSHOT_PAGE_FORMAT };
    },
    'records.list': ({ app, table, limit, includeDeleted }) => ({ records: store.list(app, table, { limit, includeDeleted }) }),
    'records.get': ({ app, table, id }) => ({ record: store.get(app, table, id) }),
    'runner.tick': () => runner.tick(),
    'runner.status': () => runner.status(),
    'runner.setPaused': ({ paused }) => {
      settings.update({ runner: { paused } });
      return runner.status();
    },
    'missions.runNow': async ({ missionId }) => {
      const outcome = await runner.runNow(missionId);
      if (outcome.skipped) throw new ApiError('CONFLICT', outcome.error ?? `The mission was not run: ${outcome.skipped}.`);
      return { iterationId: outcome.iterationId, status: outcome.status, error: outcome.error };
    },
    'missions.resume': ({ missionId }) => {
      const result = runner.resume(missionId);
      changed();
      return result;
    },
    'missions.pause': ({ missionId }) => {
      runner.pause(missionId);
      changed();
      return {};
    },
    'runner.ticks': ({ limit }) => ({ ticks: runner.recentTicks(limit) }),
    'iterations.debug': ({ iterationId }) => ({ debug: runner.debugCapture(iterationId) }),
    'agents.usage': () => runner.ledger.usageToday(),
    'proposals.approve': ({ proposalId, params, feedback }) => ({ proposal: proposals.approve(proposalId, params, feedback) }),
    'proposals.reject': ({ proposalId, feedback }) => ({ proposal: proposals.reject(proposalId, feedback) }),
    'proposals.revert': ({ proposalId }) => ({ proposal: proposals.revert(proposalId) }),
    'proposals.decideAll': (input) => decideAll(store, proposals, input),
    'activity.list': (input) => listActivity(store, input),
    'history.status': () => history.status(),
    'history.compact': () => history.runNow(),
    'settings.get': () => settings.publicView(),
    'settings.update': (patch) => settings.update(patch),
    'llm.test': async () => {
      const result = await testConnection(llm);
      runner.recordLlmHealth(result.error);
      return result;
    },
    'llm.probe': async () => {
      const { checks, latencyMs } = await probeCapabilities(llm, (key, feature, verdict) => settings.learnCapability(key, feature, verdict));
      return { capabilities: settings.capabilities(), checks, latencyMs };
    },
    'llm.resetCapabilities': () => ({ capabilities: settings.resetCapabilities() }),
    'llm.models': async () => {
      try {
        return { models: await llm.models(), error: null };
      } catch (error) {
        return { models: [], error: (error as Error).message };
      }
    },
    'syncServer.status': () => sync.status(),
    'syncServer.syncNow': () => sync.syncNow(),
    'syncServer.parked': ({ limit }) => parkedChanges(store, limit),
    'syncServer.retryParked': async ({ seq }) => {
      try {
        return await sync.retryParked(seq);
      } catch (error) {
        throw new ApiError('UNAVAILABLE', (error as Error).message);
      }
    },
    'shell.getPreferences': () => NO_DESKTOP_SHELL,
    'shell.setPreferences': () => {
      throw new ApiError('UNAVAILABLE', NO_DESKTOP_SHELL.launchAtLoginUnavailable!);
    },
  };
}
