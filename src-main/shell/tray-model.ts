/**
 * The tray menu as data (pure, unit-tested); src-main/desktop/tray.ts turns it into an Electron Menu.
 */
export type TrayAction = 'open' | 'inbox' | 'tick' | 'pause' | 'resume' | 'quit';

export interface TrayState {
  paused: boolean;
  /** a tick asked for from the tray is in progress */
  busy: boolean;
  /** missions being planned right now (runner.status().running) */
  planning: number;
  pendingProposals: number;
  llmConfigured: boolean;
  /** the last error talking to the LLM, if the last call failed */
  llmError: string | null;
  /** the engine could not start (e.g. the database is damaged): only Open and Quit make sense */
  engineError: string | null;
}

export type TrayItem =
  | { type: 'separator' }
  | { type: 'normal'; id: string; label: string; enabled: boolean; action?: TrayAction; toolTip?: string };

function plural(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}

function pendingText(n: number): string {
  return n > 0 ? `${plural(n, 'proposal', 'proposals')} waiting` : 'nothing waiting';
}

/** The runner's state in a few words: idle / checking / planning N / paused. */
export function runnerText(state: TrayState): string {
  if (state.paused) return 'Paused';
  if (state.planning > 0) return `Planning ${plural(state.planning, 'mission', 'missions')}`;
  if (state.busy) return 'Checking for due missions';
  return 'Idle';
}

/** The tray's status line, e.g. "Planning 2 missions · 3 proposals waiting". */
export function statusLine(state: TrayState): string {
  if (state.engineError !== null) return 'Not running: open the window for details';
  return `${runnerText(state)} · ${pendingText(state.pendingProposals)}`;
}

export function trayMenuModel(state: TrayState): TrayItem[] {
  const engineOk = state.engineError === null;
  const items: TrayItem[] = [{ type: 'normal', id: 'open', label: 'Open Mission Companion', enabled: true, action: 'open' }];
  items.push({ type: 'separator' });
  items.push({ type: 'normal', id: 'status', label: statusLine(state), enabled: false });
  if (engineOk) {
    if (state.pendingProposals > 0) {
      items.push({ type: 'normal', id: 'inbox', label: `Review ${plural(state.pendingProposals, 'proposal', 'proposals')}…`, enabled: true, action: 'inbox' });
    }
    if (!state.llmConfigured) items.push({ type: 'normal', id: 'llm', label: 'No LLM configured yet', enabled: false });
    else if (state.llmError) items.push({ type: 'normal', id: 'llm', label: 'The LLM is not answering', enabled: false, toolTip: state.llmError });
    items.push({ type: 'separator' });
    items.push({
      type: 'normal',
      id: 'tick',
      label: 'Run due missions now',
      enabled: !state.paused && !state.busy,
      action: 'tick',
    });
    items.push(
      state.paused
        ? { type: 'normal', id: 'pause', label: 'Resume runner', enabled: true, action: 'resume' }
        : { type: 'normal', id: 'pause', label: 'Pause runner', enabled: true, action: 'pause' },
    );
  }
  items.push({ type: 'separator' });
  items.push({ type: 'normal', id: 'quit', label: 'Quit', enabled: true, action: 'quit' });
  return items;
}

export function trayTooltip(state: TrayState): string {
  if (state.engineError) return 'Mission Companion: not running';
  return `Mission Companion: ${runnerText(state).toLowerCase()}, ${pendingText(state.pendingProposals)}`;
}
