import { describe, expect, it } from 'vitest';
import { trayMenuModel, trayTooltip, type TrayState } from './tray-model';

const base: TrayState = { paused: false, busy: false, pendingProposals: 0, llmConfigured: true, llmError: null, engineError: null };
const actions = (s: TrayState) => trayMenuModel(s).flatMap((i) => (i.type === 'normal' && i.action ? [i.action] : []));
const item = (s: TrayState, id: string) => trayMenuModel(s).find((i) => i.type === 'normal' && i.id === id) as Extract<ReturnType<typeof trayMenuModel>[number], { type: 'normal' }>;

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
    expect(item(s, 'status').label).toBe('Runner paused');
  });
  it('disables the tick while busy', () => {
    expect(item({ ...base, busy: true }, 'tick').enabled).toBe(false);
  });
  it('counts waiting proposals', () => {
    expect(item({ ...base, pendingProposals: 1 }, 'status').label).toBe('1 proposal waiting for you');
    expect(item({ ...base, pendingProposals: 3 }, 'status').label).toBe('3 proposals waiting for you');
    expect(trayTooltip({ ...base, pendingProposals: 3 })).toBe('Mission Companion: 3 proposals waiting');
  });
  it('says when no LLM is configured or it fails', () => {
    expect(item({ ...base, llmConfigured: false }, 'llm').label).toBe('No LLM configured yet');
    expect(item({ ...base, llmError: 'ECONNREFUSED' }, 'llm')).toMatchObject({ label: 'The LLM is not answering', toolTip: 'ECONNREFUSED' });
  });
  it('offers only Open and Quit when the engine could not start', () => {
    const s = { ...base, engineError: 'database damaged' };
    expect(actions(s)).toEqual(['open', 'quit']);
    expect(trayTooltip(s)).toBe('Mission Companion: not running');
  });
});
