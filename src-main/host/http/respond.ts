/** How the headless host answers: JSON with the security headers, and failures in the api's error body. */
import type { ServerResponse } from 'node:http';
import { encodeError, HTTP_STATUS } from '../../../src-shared/api-errors';
import { RENDERER_CSP } from '../csp';

/** Sent with every answer: the page and the api alike. */
export const SECURITY_HEADERS = {
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
  'content-security-policy': RENDERER_CSP,
};

export function sendJsonText(res: ServerResponse, status: number, text: string): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', ...SECURITY_HEADERS });
  res.end(text);
}

/** Anything thrown (or an ApiError made to refuse) as the api's error body, with its HTTP status. */
export function sendError(res: ServerResponse, error: unknown, method?: string): void {
  const body = encodeError(error, method);
  sendJsonText(res, HTTP_STATUS[body.error.code], JSON.stringify(body));
}
