/**
 * The headless transport: `POST /api/<method>` (JSON in, JSON out, errors as {error:{code,message,
 * issues?}}), `GET /api/events` (SSE), `GET /api/session` (signed in? how to sign in), and the
 * renderer's static files at `/`. API clients send `Authorization: Bearer <token>`; the UI in a
 * browser uses the session cookie it got from the printed URL (`/?token=…`), with the CSRF rules of
 * ./csrf. No CORS headers are ever sent, so other sites' pages cannot call it from a browser.
 *
 * One file per concern: ./server (guarded routing, errors, shutdown), ./request-target (strict
 * paths), ./host-check (DNS rebinding), ./auth (token, session cookie, throttling of wrong tokens),
 * ./csrf, ./body (size limits), ./api, ./events, ./session, ./static, ./respond (headers, error bodies).
 */
export { MAX_BODY_BYTES } from './api';
export { AUTH_DELAY_STEP_MS, AUTH_FAILURES_BEFORE_DELAY, SESSION_MAX_AGE_S, sessionCookieName, sessionValue, tokenMatches } from './auth';
export { CSRF_HEADER } from './csrf';
export { HEARTBEAT_MS } from './events';
export type { SessionAnswer, SignInHint } from './session';
export { CLOSE_GRACE_MS, shownHost, startHttpHost, type HostLog, type HttpHost, type HttpHostOptions, type RequestContext, type Route } from './server';
