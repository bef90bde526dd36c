import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadShellState, saveShellState, SHELL_STATE_FILE } from './shell-state';
import { restoreWindowState, windowStateToSave, type Rect } from './window-state';

const defaults = { width: 1280, height: 840, minWidth: 800, minHeight: 560 };
const laptop: Rect = { x: 0, y: 0, width: 1440, height: 875 }; // work area: menu bar / dock excluded
const external: Rect = { x: 1440, y: -200, width: 2560, height: 1400 }; // to the right, higher up
const saved = (x: number, y: number, width = 1000, height = 700, maximized = false) => ({ bounds: { x, y, width, height }, maximized });

describe('restoring the window', () => {
  it('starts centred at the default size without saved state, or with garbage', () => {
    for (const raw of [undefined, null, {}, 'x', { bounds: { x: 'a' } }, saved(0, 0, -5, 10), saved(0.5, 0)]) {
      expect(restoreWindowState(raw, [laptop], defaults)).toEqual({ bounds: { width: 1280, height: 840 }, maximized: false });
    }
  });

  it('keeps bounds that are on a display', () => {
    expect(restoreWindowState(saved(100, 50), [laptop], defaults)).toEqual({ bounds: { x: 100, y: 50, width: 1000, height: 700 }, maximized: false });
    expect(restoreWindowState(saved(2000, 0, 1200, 900, true), [laptop, external], defaults)).toEqual({
      bounds: { x: 2000, y: 0, width: 1200, height: 900 },
      maximized: true,
    });
  });

  it('keeps a window that hangs partly off the edge while its title bar can be grabbed', () => {
    expect(restoreWindowState(saved(-600, 100), [laptop], defaults).bounds).toEqual({ x: -600, y: 100, width: 1000, height: 700 });
  });

  it('recentres a window whose display is gone, keeping a size that fits', () => {
    expect(restoreWindowState(saved(3000, 100, 2400, 1300, true), [laptop], defaults)).toEqual({
      bounds: { width: 1440, height: 875 },
      maximized: true,
    });
    expect(restoreWindowState(saved(5000, 5000), [], defaults)).toEqual({ bounds: { width: 1280, height: 840 }, maximized: false });
  });

  it('does not trust a title bar above the top of the display', () => {
    // only the bottom of the window shows: it could not be dragged back
    expect(restoreWindowState(saved(100, -680), [laptop], defaults).bounds).toEqual({ width: 1000, height: 700 });
  });

  it('shrinks a window larger than its display and keeps its bottom edge on it', () => {
    expect(restoreWindowState(saved(10, 400, 1000, 2000), [laptop], defaults).bounds).toEqual({ x: 10, y: 0, width: 1000, height: 875 });
  });

  it('never makes it smaller than the minimum size unless the display is', () => {
    expect(restoreWindowState(saved(10, 10, 300, 200), [laptop], defaults).bounds).toEqual({ x: 10, y: 10, width: 800, height: 560 });
    const tiny: Rect = { x: 0, y: 0, width: 640, height: 480 };
    expect(restoreWindowState(saved(0, 0, 1000, 700), [tiny], defaults).bounds).toEqual({ x: 0, y: 0, width: 640, height: 480 });
  });
});

describe('saving the window', () => {
  it('saves the normal bounds, also when maximized, rounded', () => {
    expect(windowStateToSave({ normalBounds: { x: 10.4, y: 20, width: 900, height: 600.6 }, maximized: true, fullScreen: false })).toEqual(saved(10, 20, 900, 601, true));
  });
  it('does not save full screen', () => {
    expect(windowStateToSave({ normalBounds: { x: 0, y: 0, width: 900, height: 600 }, maximized: false, fullScreen: true })).toBeNull();
  });
});

describe('shell state file', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'companion-shell-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('round-trips, and defaults when missing', () => {
    expect(loadShellState(dir)).toEqual({ window: null, closeHintShown: false });
    saveShellState(dir, { window: saved(1, 2), closeHintShown: true });
    expect(loadShellState(dir)).toEqual({ window: saved(1, 2), closeHintShown: true });
    expect(JSON.parse(readFileSync(join(dir, SHELL_STATE_FILE), 'utf8')).closeHintShown).toBe(true);
  });

  it('survives a damaged file and keeps the valid parts of a partly damaged one', () => {
    const warnings: string[] = [];
    writeFileSync(join(dir, SHELL_STATE_FILE), '{not json');
    expect(loadShellState(dir, (m) => warnings.push(m))).toEqual({ window: null, closeHintShown: false });
    expect(warnings[0]).toMatch(/not readable JSON/);
    writeFileSync(join(dir, SHELL_STATE_FILE), JSON.stringify({ window: { bounds: 'huh' }, closeHintShown: true }));
    expect(loadShellState(dir)).toEqual({ window: null, closeHintShown: true });
  });
});
