/**
 * Remembering the window's size and position (pure). Saved bounds are only trusted when they still
 * land on a display: monitors get unplugged and resolutions change, and a window restored off
 * screen is a window the user cannot reach. Displays are passed in as work areas (the screen minus
 * task bars and docks), so this is tested without Electron's `screen`.
 */
import { z } from 'zod';

export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

export const SavedWindowState = z.object({
  bounds: z.object({ x: z.number().int(), y: z.number().int(), width: z.number().int().positive(), height: z.number().int().positive() }),
  maximized: z.boolean().default(false),
});
export type SavedWindowState = z.infer<typeof SavedWindowState>;

export interface WindowSize {
  width: number;
  height: number;
  minWidth: number;
  minHeight: number;
}

/** What the window is created with: bounds without x/y are centred by Electron on the primary display. */
export interface RestoredWindowState {
  bounds: { width: number; height: number; x?: number; y?: number };
  maximized: boolean;
}

/** How much of the title bar must be on a display for the saved position to be kept (px). */
export const MIN_VISIBLE_WIDTH = 100;
export const MIN_VISIBLE_HEIGHT = 40;

function intersection(a: Rect, b: Rect): Rect | null {
  const x = Math.max(a.x, b.x);
  const y = Math.max(a.y, b.y);
  const right = Math.min(a.x + a.width, b.x + b.width);
  const bottom = Math.min(a.y + a.height, b.y + b.height);
  return right > x && bottom > y ? { x, y, width: right - x, height: bottom - y } : null;
}

/** The top strip of the window (where it is dragged from) has a reachable part on the work area. */
function titleBarReachable(bounds: Rect, workArea: Rect): boolean {
  const titleBar = { x: bounds.x, y: bounds.y, width: bounds.width, height: MIN_VISIBLE_HEIGHT };
  const visible = intersection(titleBar, workArea);
  return visible !== null && visible.width >= Math.min(MIN_VISIBLE_WIDTH, bounds.width) && visible.height >= MIN_VISIBLE_HEIGHT / 2;
}

function clampSize(size: number, min: number, max: number): number {
  return Math.max(Math.min(min, max), Math.min(size, max));
}

/**
 * The window state to start with: the saved one when it is valid and its title bar is reachable on
 * one of the displays (its size clamped to that display), else the default size, centred.
 * `saved` is whatever was read from disk (unknown shapes are ignored).
 */
export function restoreWindowState(saved: unknown, workAreas: readonly Rect[], defaults: WindowSize): RestoredWindowState {
  const fallback: RestoredWindowState = { bounds: { width: defaults.width, height: defaults.height }, maximized: false };
  const parsed = SavedWindowState.safeParse(saved);
  if (!parsed.success) return fallback;
  const { bounds, maximized } = parsed.data;
  const home = workAreas.find((area) => titleBarReachable(bounds, area));
  if (!home) {
    // the display it was on is gone: keep the size where it fits on the primary display, centred
    const primary = workAreas[0];
    if (!primary) return { ...fallback, maximized };
    return {
      bounds: {
        width: clampSize(bounds.width, defaults.minWidth, primary.width),
        height: clampSize(bounds.height, defaults.minHeight, primary.height),
      },
      maximized,
    };
  }
  const width = clampSize(bounds.width, defaults.minWidth, home.width);
  const height = clampSize(bounds.height, defaults.minHeight, home.height);
  // a window taller than the display is moved up so that its bottom edge stays reachable too
  const x = Math.min(Math.max(bounds.x, home.x - width + MIN_VISIBLE_WIDTH), home.x + home.width - MIN_VISIBLE_WIDTH);
  const y = Math.min(Math.max(bounds.y, home.y), home.y + home.height - height);
  return { bounds: { x, y: Math.max(home.y, y), width, height }, maximized };
}

/**
 * What to save: the normal (restored) bounds even while maximized or minimized, so the next start
 * restores the size the user chose; full screen is a passing mode and is not saved (null).
 */
export function windowStateToSave(win: { normalBounds: Rect; maximized: boolean; fullScreen: boolean }): SavedWindowState | null {
  if (win.fullScreen) return null;
  const b = win.normalBounds;
  if (!(b.width > 0 && b.height > 0)) return null;
  return {
    bounds: { x: Math.round(b.x), y: Math.round(b.y), width: Math.round(b.width), height: Math.round(b.height) },
    maximized: win.maximized,
  };
}
