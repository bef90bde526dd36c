/**
 * The renderer's built files at `/`: any path that is not a file gets index.html (the UI routes by
 * itself). Nothing outside the renderer folder is served.
 */
import { createReadStream, existsSync, statSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { ApiError } from '../../../src-shared/api-errors';
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

export type StaticHandler = (req: IncomingMessage, res: ServerResponse, url: URL) => void;

/** `rendererDir` null: the UI is not built, and every page says how to build it. */
export function createStaticHandler(rendererDir: string | null): StaticHandler {
  const root = rendererDir === null ? null : resolve(rendererDir);
  return (req, res, url) => {
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
    let path = normalize(join(root, decodeURIComponent(url.pathname)));
    if (path !== root && !path.startsWith(root + sep)) {
      sendError(res, new ApiError('NOT_FOUND', 'Not found.'));
      return;
    }
    if (!existsSync(path) || statSync(path).isDirectory()) path = join(root, 'index.html');
    const type = CONTENT_TYPES[extname(path)] ?? 'application/octet-stream';
    const cache = path.endsWith('index.html') ? 'no-cache' : 'public, max-age=31536000, immutable';
    res.writeHead(200, { 'content-type': type, 'cache-control': cache, ...SECURITY_HEADERS });
    if (req.method === 'HEAD') res.end();
    else createReadStream(path).pipe(res);
  };
}
