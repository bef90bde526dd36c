/**
 * The tray: its icon, tooltip and menu follow the runner's status (paused, planning, proposals
 * waiting); its menu opens the window or the inbox, runs due missions, pauses and quits.
 * Without a status area (some Linux desktops) there is no tray and closing the window quits.
 */
import type * as Electron from 'electron';
import type { RunnerStatus } from '../../src-shared/api';
import { ROUTES } from '../shell/notifications';
import { trayIconBitmap } from '../shell/tray-icon';
import { trayMenuModel, trayTooltip, type TrayAction } from '../shell/tray-model';
import type { TimerHandle } from '../timers';
import type { ShellContext } from './context';
import type { WindowController } from './window';

/** Decisions in the inbox change the pending count without a runner.status event: re-read after this. */
export const TRAY_REFRESH_AFTER_MS = 300;

export interface TrayController {
  /** creates the tray, or leaves `ctx.tray` null when the desktop has none */
  create(): void;
  onAction(action: TrayAction): Promise<void>;
  applyStatus(status: RunnerStatus): void;
  /** re-reads the runner status */
  refresh(): Promise<void>;
  /** re-reads the runner status soon, coalescing bursts of changes */
  refreshSoon(): void;
}

export function createTrayController(ctx: ShellContext, windows: WindowController): TrayController {
  const { app, Menu, Tray, nativeImage } = ctx.electron;
  let refreshTimer: TimerHandle | null = null;

  function image(): Electron.NativeImage {
    const size = ctx.deps.platform === 'darwin' ? 18 : 32;
    const { paused, pendingProposals, engineError } = ctx.trayState;
    const badge = pendingProposals > 0 && engineError === null;
    return nativeImage.createFromBitmap(trayIconBitmap(size, { paused, badge }), { width: size, height: size });
  }

  function update(): void {
    const tray = ctx.tray;
    if (!tray || tray.isDestroyed()) return;
    const template: Electron.MenuItemConstructorOptions[] = trayMenuModel(ctx.trayState).map((item) =>
      item.type === 'separator'
        ? { type: 'separator' }
        : {
            id: item.id,
            label: item.label,
            enabled: item.enabled,
            ...(item.toolTip ? { toolTip: item.toolTip } : {}),
            ...(item.action ? { click: () => ctx.track(onAction(item.action!), `tray: ${item.action}`) } : {}),
          },
    );
    tray.setContextMenu(Menu.buildFromTemplate(template));
    tray.setToolTip(trayTooltip(ctx.trayState));
    tray.setImage(image());
  }

  function create(): void {
    let tray: Electron.Tray;
    try {
      tray = new Tray(image());
    } catch (error) {
      ctx.logFile.warn('tray', 'not available; closing the window will quit', error);
      ctx.tray = null;
      return;
    }
    ctx.tray = tray;
    tray.on('click', () => windows.show());
    update();
  }

  async function onAction(action: TrayAction): Promise<void> {
    try {
      switch (action) {
        case 'open':
          windows.show();
          return;
        case 'inbox':
          windows.openRoute(ROUTES.inbox);
          return;
        case 'quit':
          ctx.quitting = true;
          app.quit();
          return;
        case 'tick': {
          const engine = ctx.engine;
          if (!engine || ctx.tickInFlight) return;
          ctx.tickInFlight = true;
          ctx.trayState = { ...ctx.trayState, busy: true };
          update();
          try {
            await engine.call('runner.tick', {});
          } finally {
            ctx.tickInFlight = false;
            await refresh();
          }
          return;
        }
        case 'pause':
        case 'resume':
          if (!ctx.engine) return;
          applyStatus(await ctx.engine.call('runner.setPaused', { paused: action === 'pause' }));
          return;
      }
    } catch (error) {
      ctx.logFile.warn('tray', `${action} failed`, error);
    }
  }

  function applyStatus(status: RunnerStatus): void {
    ctx.trayState = {
      ...ctx.trayState,
      paused: status.paused,
      busy: ctx.tickInFlight,
      planning: status.running.length,
      pendingProposals: status.pendingProposals,
      llmConfigured: status.llm.configured,
      llmError: status.llm.lastError,
    };
    update();
  }

  async function refresh(): Promise<void> {
    if (!ctx.engine) return;
    try {
      applyStatus(await ctx.engine.call('runner.status', {}));
    } catch (error) {
      ctx.logFile.warn('tray', 'could not read the runner status', error);
    }
  }

  function refreshSoon(): void {
    if (refreshTimer) return;
    refreshTimer = ctx.timers.setTimeout(() => {
      refreshTimer = null;
      ctx.track(refresh(), 'refreshing the tray');
    }, TRAY_REFRESH_AFTER_MS);
  }

  return { create, onAction, applyStatus, refresh, refreshSoon };
}
