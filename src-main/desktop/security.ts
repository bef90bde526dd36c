/**
 * Every webContents (not only ours) may not navigate away, open windows or attach webviews;
 * permission requests and checks are denied (see decidePermission); the CSP is also sent as a header.
 */
import { withRendererCsp } from '../host/csp';
import { decideNavigation, decidePermission, decideWindowOpen } from '../shell/window-options';
import type { ShellContext } from './context';

export function hardenWebContents(ctx: ShellContext): void {
  const { app, shell } = ctx.electron;
  const openOutside = (url: string) => ctx.track(shell.openExternal(url), 'opening a link');
  app.on('web-contents-created', (_event, contents) => {
    contents.on('will-navigate', (event, url) => {
      const decision = decideNavigation(url, ctx.allowedOrigins);
      if (decision.allow) return;
      event.preventDefault();
      ctx.logFile.warn('security', 'navigation refused', undefined, { url: url.slice(0, 300) });
      if (decision.openExternal) openOutside(decision.openExternal);
    });
    contents.on('will-redirect', (event, url) => {
      if (!decideNavigation(url, ctx.allowedOrigins).allow) event.preventDefault();
    });
    contents.on('will-attach-webview', (event) => event.preventDefault());
    contents.setWindowOpenHandler(({ url }) => {
      const decision = decideWindowOpen(url);
      if (decision.openExternal) openOutside(decision.openExternal);
      return { action: decision.action };
    });
  });
}

export function hardenSession(ctx: ShellContext): void {
  const ses = ctx.electron.session.defaultSession;
  ses.setPermissionRequestHandler((contents, permission, callback, details) => {
    callback(decidePermission(permission, details.requestingUrl ?? contents.getURL(), ctx.allowedOrigins));
  });
  ses.setPermissionCheckHandler((contents, permission, _requestingOrigin, details) =>
    decidePermission(permission, details.requestingUrl ?? contents?.getURL() ?? null, ctx.allowedOrigins),
  );
  // The dev server needs Vite's inline HMR preamble; there the <meta> CSP of index.html applies alone.
  if (!ctx.devServerUrl) {
    ses.webRequest.onHeadersReceived((details, callback) => {
      const responseHeaders = withRendererCsp(details, ctx.isAppUrl);
      callback(responseHeaders ? { responseHeaders } : {});
    });
  }
}
