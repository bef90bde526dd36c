/** Desktop notifications: clicking one opens its route in the window. */
import type * as Electron from 'electron';
import { closeToTrayHint, type NotificationModel } from '../shell/notifications';
import type { ShellContext } from './context';

export interface Notifier {
  /** false when the system cannot show notifications */
  notify(note: NotificationModel): boolean;
  /** the one-time "still running in the tray" hint, remembered once it could be shown */
  showCloseToTrayHint(): void;
}

export function createNotifier(ctx: ShellContext, openRoute: (route: string | null) => void): Notifier {
  const { Notification } = ctx.electron;
  /** Shown notifications are kept referenced: a collected Notification loses its click handler. */
  const live = new Set<Electron.Notification>();

  function notify(note: NotificationModel): boolean {
    if (!Notification.isSupported()) return false;
    const n = new Notification({ title: note.title, body: note.body, silent: false });
    live.add(n);
    n.on('click', () => {
      live.delete(n);
      openRoute(note.route);
    });
    n.on('close', () => live.delete(n));
    n.show();
    return true;
  }

  function showCloseToTrayHint(): void {
    // marked as shown only when it could be shown, so a system without notifications is not "hinted"
    if (notify(closeToTrayHint(ctx.deps.platform))) ctx.updateSaved({ closeHintShown: true });
  }

  return { notify, showCloseToTrayHint };
}
