/**
 * The desktop shell's own small state, in `<dataDir>/shell-state.json`: the window's bounds and
 * whether the close-to-tray hint was shown. It is not in the engine's settings because the headless
 * host has no window, and it is not synced anywhere. A missing or damaged file means defaults:
 * losing a window position is never worth an error dialog.
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { SavedWindowState } from './window-state';

export const SHELL_STATE_FILE = 'shell-state.json';

export const ShellState = z.object({
  window: SavedWindowState.nullable().catch(null).default(null),
  closeHintShown: z.boolean().catch(false).default(false),
});
export type ShellState = z.infer<typeof ShellState>;

export function parseShellState(raw: unknown): ShellState {
  const parsed = ShellState.safeParse(raw ?? {});
  return parsed.success ? parsed.data : ShellState.parse({});
}

export function loadShellState(dataDir: string, log?: (message: string, error?: unknown) => void): ShellState {
  let text: string;
  try {
    text = readFileSync(join(dataDir, SHELL_STATE_FILE), 'utf8');
  } catch {
    return parseShellState({});
  }
  try {
    return parseShellState(JSON.parse(text));
  } catch (error) {
    log?.(`[shell] ${SHELL_STATE_FILE} is not readable JSON; using defaults`, error);
    return parseShellState({});
  }
}

/** Written whole through a temp file, so a crash mid-write leaves the previous state. */
export function saveShellState(dataDir: string, state: ShellState): void {
  mkdirSync(dataDir, { recursive: true });
  const file = join(dataDir, SHELL_STATE_FILE);
  const tmp = `${file}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(state, null, 2)}\n`);
  renameSync(tmp, file);
}
