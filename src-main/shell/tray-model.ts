/**
 * The tray menu as data (pure, unit-tested); src-main/index.ts turns it into an Electron Menu.
 */
export type TrayAction = 'open' | 'tick' | 'pause' | 'resume' | 'quit';

export interface TrayState {
  paused: boolean;
  /** a tick or run is in progress */
  busy: boolean;
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

export function trayMenuModel(state: TrayState): TrayItem[] {
  const engineOk = state.engineError === null;
  const items: TrayItem[] = [{ type: 'normal', id: 'open', label: 'Open Mission Companion', enabled: true, action: 'open' }];
  items.push({ type: 'separator' });
  if (!engineOk) {
    items.push({ type: 'normal', id: 'status', label: 'Not running: open the window for details', enabled: false });
  } else {
    items.push({
      type: 'normal',
      id: 'status',
      label: state.paused
        ? 'Runner paused'
        : state.busy
          ? 'Planning…'
          : state.pendingProposals > 0
            ? `${plural(state.pendingProposals, 'proposal', 'proposals')} waiting for you`
            : 'Nothing waiting for you',
      enabled: false,
    });
    if (!state.llmConfigured) items.push({ type: 'normal', id: 'llm', label: 'No LLM configured yet', enabled: false });
    else if (state.llmError) items.push({ type: 'normal', id: 'llm', label: 'The LLM is not answering', enabled: false, toolTip: state.llmError });
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
  if (state.paused) return 'Mission Companion: paused';
  if (state.pendingProposals > 0) return `Mission Companion: ${plural(state.pendingProposals, 'proposal', 'proposals')} waiting`;
  return 'Mission Companion';
}
