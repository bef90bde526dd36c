import { describe, expect, it } from 'vitest';
import { statusLine, trayMenuModel, trayTooltip, type TrayState } from './tray-model';

const base: TrayState = { paused: false, busy: false, planning: 0, pendingProposals: 0, llmConfigured: true, llmError: null, engineError: null };
const actions = (s: TrayState) => trayMenuModel(s).flatMap((i) => (i.type === 'normal' && i.action ? [i.action] : []));
const item = (s: TrayState, id: string) => trayMenuModel(s).find((i) => i.type === 'normal' && i.id === id) as Extract<ReturnType<typeof trayMenuModel>[number], { type: 'normal' }>;

describe('tray status line', () => {
  it('says idle / planning N / paused, with the pending proposals', () => {
    expect(statusLine(base)).toBe('Idle · nothing waiting');
    expect(statusLine({ ...base, pendingProposals: 1 })).toBe('Idle · 1 proposal waiting');
    expect(statusLine({ ...base, planning: 1, pendingProposals: 3 })).toBe('Planning 1 mission · 3 proposals waiting');
    expect(statusLine({ ...base, planning: 2 })).toBe('Planning 2 missions · nothing waiting');
    expect(statusLine({ ...base, busy: true })).toBe('Checking for due missions · nothing waiting');
    expect(statusLine({ ...base, paused: true, planning: 1, pendingProposals: 2 })).toBe('Paused · 2 proposals waiting');
  });
  it('is the first thing after Open, and not clickable', () => {
    const menu = trayMenuModel({ ...base, pendingProposals: 3 });
    expect(menu[2]).toEqual({ type: 'normal', id: 'status', label: 'Idle · 3 proposals waiting', enabled: false });
  });
  it('is mirrored in the tooltip', () => {
    expect(trayTooltip({ ...base, planning: 2, pendingProposals: 3 })).toBe('Mission Companion: planning 2 missions, 3 proposals waiting');
    expect(trayTooltip({ ...base, paused: true })).toBe('Mission Companion: paused, nothing waiting');
  });
});

describe('tray menu', () => {
  it('offers Open, Run due missions now, Pause, Quit', () => {
    expect(actions(base)).toEqual(['open', 'tick', 'pause', 'quit']);
    expect(item(base, 'tick')).toMatchObject({ label: 'Run due missions now', enabled: true });
    expect(item(base, 'pause').label).toBe('Pause runner');
  });
  it('offers Resume and disables the tick while paused', () => {
    const s = { ...base, paused: true };
    expect(actions(s)).toEqual(['open', 'tick', 'resume', 'quit']);
    expect(item(s, 'tick').enabled).toBe(false);
  });
  it('disables the tick while a tick from the tray runs', () => {
    expect(item({ ...base, busy: true }, 'tick').enabled).toBe(false);
  });
  it('leads to the inbox when proposals wait', () => {
    const s = { ...base, pendingProposals: 3 };
    expect(actions(s)).toEqual(['open', 'inbox', 'tick', 'pause', 'quit']);
    expect(item(s, 'inbox').label).toBe('Review 3 proposals…');
    expect(item({ ...base, pendingProposals: 1 }, 'inbox').label).toBe('Review 1 proposal…');
  });
  it('says when no LLM is configured or it fails', () => {
    expect(item({ ...base, llmConfigured: false }, 'llm').label).toBe('No LLM configured yet');
    expect(item({ ...base, llmError: 'ECONNREFUSED' }, 'llm')).toMatchObject({ label: 'The LLM is not answering', toolTip: 'ECONNREFUSED' });
  });
  it('offers only Open and Quit when the engine could not start', () => {
    const s = { ...base, engineError: 'database damaged', pendingProposals: 2 };
    expect(actions(s)).toEqual(['open', 'quit']);
    expect(item(s, 'status').label).toBe('Not running: open the window for details');
    expect(trayTooltip(s)).toBe('Mission Companion: not running');
  });
});
