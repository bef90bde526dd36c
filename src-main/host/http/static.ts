/**
 * The renderer's built files at `/`: any path that is not a file gets index.html (the UI routes by
 * itself). Nothing outside the renderer folder is served. The page itself needs no credential; the
 * page load that carries the right `?token=` (the URL printed at start) signs this browser in with
 * the session cookie (./auth), and every later load of the page renews it.
 */
import { createReadStream, existsSync, statSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { ApiError } from '../../../src-shared/api-errors';
import type { AuthGate } from './auth';
import type { RequestTarget } from './request-target';
import { SECURITY_HEADERS, sendError } from './respond';

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
};

export type StaticHandler = (req: IncomingMessage, res: ServerResponse, target: RequestTarget) => Promise<void>;

/** The Set-Cookie for a page load: sign in with a right `?token=`, renew a valid session; else none. */
async function sessionCookie(req: IncomingMessage, target: RequestTarget, auth: AuthGate): Promise<string | null> {
  const token = target.query.get('token');
  if (token !== null) return (await auth.checkToken(req, token)) ? auth.sessionCookie() : null;
  if (req.headers.authorization === undefined && auth.presents(req) && (await auth.check(req)) === 'cookie') return auth.sessionCookie();
  return null;
}

/** A browser that stops loading a file (navigated away) is no error; anything else is. */
function ignoreClosedByClient(error: unknown): void {
  if ((error as { code?: string }).code !== 'ERR_STREAM_PREMATURE_CLOSE') throw error;
}

/** `rendererDir` null: the UI is not built, and every page says how to build it. */
export function createStaticHandler(rendererDir: string | null, auth: AuthGate): StaticHandler {
  const root = rendererDir === null ? null : resolve(rendererDir);
  return async (req, res, target) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.setHeader('allow', 'GET, HEAD');
      sendError(res, new ApiError('METHOD_NOT_ALLOWED', 'Only GET is served here.'));
      return;
    }
    if (root === null) {
      res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8', ...SECURITY_HEADERS });
      res.end('The UI is not built. Run `npm run build`, then start the host again.');
      return;
    }
    let path = normalize(join(root, target.path));
    if (path !== root && !path.startsWith(root + sep)) {
      sendError(res, new ApiError('NOT_FOUND', 'Not found.'));
      return;
    }
    if (!existsSync(path) || statSync(path).isDirectory()) path = join(root, 'index.html');
    const page = path.endsWith('index.html');
    const cookie = page ? await sessionCookie(req, target, auth) : null;
    const type = CONTENT_TYPES[extname(path)] ?? 'application/octet-stream';
    const cache = page ? 'no-cache' : 'public, max-age=31536000, immutable';
    res.writeHead(200, { 'content-type': type, 'cache-control': cache, ...(cookie ? { 'set-cookie': cookie } : {}), ...SECURITY_HEADERS });
    if (req.method === 'HEAD') res.end();
    // a file that cannot be read (removed by a rebuild meanwhile) ends this answer, not the host
    else await pipeline(createReadStream(path), res).catch(ignoreClosedByClient);
  };
}
