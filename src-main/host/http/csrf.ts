/**
 * Cross-site request forgery, for requests authenticated by the session cookie (a bearer token is
 * never attached by a browser on its own, so bearer requests need none of this).
 *
 * SameSite=Strict is not enough on its own: "same site" ignores the port, so a page served by any
 * other program on http://127.0.0.1:<other port> (or localhost) is same-site and its requests carry
 * our cookie. So a cookie-authenticated request must also:
 *  - carry `X-Companion: 1` (src-shared/http-host.ts) when it changes anything (every POST). A page of another origin cannot
 *    send a custom header without a CORS preflight, which this host never approves (it sends no
 *    Access-Control-* header at all), and an HTML form cannot send one at all;
 *  - not be marked cross-origin by the browser: `Sec-Fetch-Site`, when sent, must be `same-origin`,
 *    and `Origin`, when sent, must be this host's own origin (http or https, and the Host header).
 * The event stream (EventSource cannot send custom headers) only reads, and another origin cannot
 * read it without CORS; it still gets the Sec-Fetch-Site and Origin checks.
 */
import type { IncomingMessage } from 'node:http';
import { ApiError } from '../../../src-shared/api-errors';
import { CSRF_HEADER, CSRF_HEADER_VALUE } from '../../../src-shared/http-host';

export { CSRF_HEADER };

function refuse(why: string): never {
  throw new ApiError('FORBIDDEN', `Refused a request from another site's page (${why}). Open Mission Companion from its own address.`);
}

/** Throws FORBIDDEN unless a cookie-authenticated request comes from the app's own page. */
export function checkSameOrigin(req: IncomingMessage, options: { changes: boolean }): void {
  const site = req.headers['sec-fetch-site'];
  if (site !== undefined && site !== 'same-origin') refuse(`Sec-Fetch-Site: ${String(site).slice(0, 40)}`);
  const origin = req.headers.origin;
  // https too: behind a TLS reverse proxy that keeps the Host header, the page's origin is https
  const own = [`http://${req.headers.host ?? ''}`, `https://${req.headers.host ?? ''}`];
  if (origin !== undefined && !own.includes(origin)) refuse(`Origin: ${String(origin).slice(0, 200)}`);
  if (options.changes && req.headers[CSRF_HEADER] !== CSRF_HEADER_VALUE) refuse(`no ${CSRF_HEADER} header`);
}
