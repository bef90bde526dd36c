/**
 * The headless transport: `POST /api/<method>` (JSON in, JSON out, errors as {error:{code,message,
 * issues?}}), `GET /api/events` (SSE), and the renderer's static files at `/`. Every api call needs
 * `Authorization: Bearer <token>` (SSE may pass `?token=` since EventSource cannot set headers).
 * No CORS headers are ever sent, so other sites' pages cannot call it from a browser.
 *
 * One file per concern: ./server (routing, errors, shutdown), ./auth (token check, throttling of
 * wrong tokens), ./api, ./events, ./static, ./respond (headers and error bodies).
 */
export { MAX_BODY_BYTES } from './api';
export { AUTH_DELAY_STEP_MS, AUTH_FAILURES_BEFORE_DELAY, tokenMatches } from './auth';
export { HEARTBEAT_MS } from './events';
export { CLOSE_GRACE_MS, startHttpHost, type HttpHost, type HttpHostOptions } from './server';
