import { describe, expect, it } from 'vitest';
import { allowedRendererOrigins } from '../host/ipc-core';
import { closeBehavior, decideNavigation, decidePermission, decideWindowOpen, externalHttpUrl, mainWindowOptions } from './window-options';

const origins = allowedRendererOrigins({ rendererDirUrl: 'file:///opt/app/out/renderer/' });

describe('main window options', () => {
  it('is isolated, sandboxed, without node, and hidden until ready', () => {
    const o = mainWindowOptions({ preloadPath: '/opt/app/out/preload/preload.cjs' });
    expect(o.show).toBe(false);
    expect(o.webPreferences).toMatchObject({
      preload: '/opt/app/out/preload/preload.cjs',
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
    });
    expect(o.webPreferences!.preload!.endsWith('.cjs')).toBe(true);
  });
  it('opens at the remembered bounds, else at the default size, centred', () => {
    expect(mainWindowOptions({ preloadPath: '/p.cjs' })).toMatchObject({ width: 1280, height: 840, minWidth: 800, minHeight: 560 });
    expect(mainWindowOptions({ preloadPath: '/p.cjs' }).x).toBeUndefined();
    expect(mainWindowOptions({ preloadPath: '/p.cjs', bounds: { x: 10, y: 20, width: 900, height: 700 } })).toMatchObject({ x: 10, y: 20, width: 900, height: 700 });
  });
});

describe('navigation and new windows', () => {
  it('allows navigation inside the app only', () => {
    expect(decideNavigation('file:///opt/app/out/renderer/index.html#/inbox', origins)).toEqual({ allow: true });
    expect(decideNavigation('https://example.com/docs', origins)).toEqual({ allow: false, openExternal: 'https://example.com/docs' });
    expect(decideNavigation('file:///etc/passwd', origins)).toEqual({ allow: false, openExternal: null });
    expect(decideNavigation('javascript:alert(1)', origins)).toEqual({ allow: false, openExternal: null });
  });
  it('uses parsed origins for the dev server', () => {
    const dev = allowedRendererOrigins({ devServerUrl: 'http://localhost:5173' });
    expect(decideNavigation('http://localhost:5173/#/x', dev)).toEqual({ allow: true });
    expect(decideNavigation('http://localhost:5173.evil.example/', dev)).toMatchObject({ allow: false });
  });
  it('denies new windows and opens only http(s) externally', () => {
    expect(decideWindowOpen('https://openrouter.ai/keys')).toEqual({ action: 'deny', openExternal: 'https://openrouter.ai/keys' });
    expect(decideWindowOpen('file:///etc/passwd')).toEqual({ action: 'deny', openExternal: null });
    expect(decideWindowOpen('smb://host/share')).toEqual({ action: 'deny', openExternal: null });
    expect(decideWindowOpen('javascript:alert(1)')).toEqual({ action: 'deny', openExternal: null });
    expect(decideWindowOpen('  not a url')).toEqual({ action: 'deny', openExternal: null });
  });
  it('normalizes external URLs', () => {
    expect(externalHttpUrl('HTTPS://Example.com')).toBe('https://example.com/');
    expect(externalHttpUrl('http:/')).toBeNull();
  });
});

describe('permissions and closing', () => {
  it('denies permissions except clipboard writes from the app', () => {
    for (const p of ['media', 'geolocation', 'notifications', 'openExternal', 'clipboard-read', 'unknown']) {
      expect(decidePermission(p, 'file:///opt/app/out/renderer/index.html', origins)).toBe(false);
    }
    expect(decidePermission('clipboard-sanitized-write', 'file:///opt/app/out/renderer/index.html', origins)).toBe(true);
    expect(decidePermission('clipboard-sanitized-write', 'https://evil.example/', origins)).toBe(false);
  });
  it('hides to the tray on close unless quitting or there is no tray, with a hint the first time', () => {
    expect(closeBehavior({ quitting: false, hasTray: true, hintShown: false })).toEqual({ action: 'hide', showHint: true });
    expect(closeBehavior({ quitting: false, hasTray: true, hintShown: true })).toEqual({ action: 'hide', showHint: false });
    expect(closeBehavior({ quitting: true, hasTray: true, hintShown: false })).toEqual({ action: 'close', showHint: false });
    expect(closeBehavior({ quitting: false, hasTray: false, hintShown: false })).toEqual({ action: 'close', showHint: false });
  });
});
