/**
 * Test helper: HTTP/1.1 requests written byte for byte on a socket, for what fetch and curl would
 * normalise or refuse to send (`/%`, `//`, absolute-form targets, missing Host, chunked bodies of
 * any size). The answer is read until the server closes or its Content-Length is complete.
 */
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { connect } from 'node:net';

export interface RawAnswer {
  status: number;
  headers: Record<string, string>;
  body: string;
  /** the body parsed as JSON, or undefined */
  json: unknown;
}

export function parseRawAnswer(raw: string): RawAnswer | null {
  // interim answers (100 Continue) come before the answer
  let text = raw;
  while (/^HTTP\/1\.[01] 1\d\d /.test(text) && text.includes('\r\n\r\n')) text = text.slice(text.indexOf('\r\n\r\n') + 4);
  const end = text.indexOf('\r\n\r\n');
  if (end < 0) return null;
  const [statusLine, ...lines] = text.slice(0, end).split('\r\n');
  const m = /^HTTP\/1\.[01] (\d{3})/.exec(statusLine ?? '');
  if (!m) return null;
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const colon = line.indexOf(':');
    if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  let body = text.slice(end + 4);
  if (headers['transfer-encoding'] === 'chunked') body = dechunk(body);
  else if (headers['content-length'] !== undefined) body = body.slice(0, Number(headers['content-length']));
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    json = undefined;
  }
  return { status: Number(m[1]), headers, body, json };
}

function dechunk(text: string): string {
  let out = '';
  let rest = text;
  for (;;) {
    const eol = rest.indexOf('\r\n');
    if (eol < 0) return out;
    const size = parseInt(rest.slice(0, eol), 16);
    if (!(size > 0)) return out;
    out += rest.slice(eol + 2, eol + 2 + size);
    rest = rest.slice(eol + 2 + size + 2);
  }
}

function complete(raw: string): boolean {
  const answer = parseRawAnswer(raw);
  if (!answer) return false;
  let text = raw;
  while (/^HTTP\/1\.[01] 1\d\d /.test(text)) text = text.slice(text.indexOf('\r\n\r\n') + 4);
  // an event stream never ends: its head is the answer
  if (answer.headers['content-type']?.startsWith('text/event-stream')) return true;
  const declared = answer.headers['content-length'];
  const bodyStart = text.indexOf('\r\n\r\n') + 4;
  if (declared !== undefined) return Buffer.byteLength(text.slice(bodyStart)) >= Number(declared);
  if (answer.headers['transfer-encoding'] === 'chunked') return text.endsWith('0\r\n\r\n');
  return false;
}

/**
 * Writes `head` (the request line and headers, without the blank line unless included) and then
 * each part of `body` as it drains; resolves with the first answer, whatever happens to the rest of
 * the upload (the server may answer early and close).
 */
export function rawRequest(port: number, head: string, body: (string | Buffer)[] = []): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let received = '';
    let settled = false;
    const finish = () => {
      if (settled) return;
      settled = true;
      socket.destroy();
      const answer = parseRawAnswer(received);
      if (answer) resolve(answer);
      else reject(new Error(`no HTTP answer; received ${JSON.stringify(received.slice(0, 300))}`));
    };
    socket.on('data', (data: Buffer) => {
      received += data.toString('latin1');
      if (complete(received)) finish();
    });
    socket.on('end', finish);
    socket.on('close', finish);
    // a reset after the answer arrived is the server closing on an upload it refused
    socket.on('error', () => finish());
    socket.on('connect', () => {
      socket.write(head);
      let i = 0;
      const pump = () => {
        while (!settled && i < body.length) {
          if (!socket.write(body[i++]!)) {
            socket.once('drain', pump);
            return;
          }
        }
      };
      pump();
    });
  });
}

/** A GET of exactly `target` (no normalisation), with the given Host header (null: none). */
export function rawGet(port: number, target: string, host: string | null = `127.0.0.1:${port}`, extraHeaders = ''): Promise<RawAnswer> {
  return rawRequest(port, `GET ${target} HTTP/1.1\r\n${host === null ? '' : `Host: ${host}\r\n`}${extraHeaders}Connection: close\r\n\r\n`);
}

/** `size` bytes of body as HTTP/1.1 chunks of `chunkSize`, with the closing zero chunk. */
export function chunked(size: number, chunkSize = 64 * 1024): Buffer[] {
  const out: Buffer[] = [];
  for (let sent = 0; sent < size; sent += chunkSize) {
    const n = Math.min(chunkSize, size - sent);
    out.push(Buffer.concat([Buffer.from(`${n.toString(16)}\r\n`), Buffer.alloc(n, 0x20), Buffer.from('\r\n')]));
  }
  out.push(Buffer.from('0\r\n\r\n'));
  return out;
}

/** A plain request on a fresh connection (no pooled sockets: a host restarted on the same port is a new server). */
export function freshRequest(
  port: number,
  options: { method?: string; path: string; headers?: Record<string, string>; body?: string },
): Promise<{ status: number; headers: IncomingHttpHeaders; text: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, method: options.method ?? 'GET', path: options.path, headers: options.headers ?? {}, agent: false }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (text += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(options.body);
  });
}
