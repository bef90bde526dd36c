/** How the headless host answers: JSON with the security headers, and failures in the api's error body. */
import type { ServerResponse } from 'node:http';
import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import { encodeError, HTTP_STATUS, type ErrorBody } from '../../../src-shared/api-errors';
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

/**
 * Anything thrown (or an ApiError made to refuse) as the api's error body, with its HTTP status. An
 * unexpected error names the request id under which the host logged it.
 */
export function sendError(res: ServerResponse, error: unknown, method?: string, requestId?: string): void {
  const body = encodeError(error, method, requestId);
  sendJsonText(res, HTTP_STATUS[body.error.code], JSON.stringify(body));
}

/**
 * A whole HTTP/1.1 answer written straight to a socket, then closed: for requests Node's parser
 * refused (they never reach a handler) and for CONNECT. Same body and headers as any other error.
 */
export function endSocketWithError(socket: Duplex, status: number, body: ErrorBody): void {
  if (!socket.writable) {
    socket.destroy();
    return;
  }
  const text = JSON.stringify(body);
  const headers = {
    'content-type': 'application/json; charset=utf-8',
    'content-length': String(Buffer.byteLength(text)),
    'cache-control': 'no-store',
    connection: 'close',
    ...SECURITY_HEADERS,
  };
  const head = [`HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Error'}`, ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`)].join('\r\n');
  socket.end(`${head}\r\n\r\n${text}`);
}
