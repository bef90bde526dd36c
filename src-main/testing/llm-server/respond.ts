/**
 * Reading requests and writing answers on Node's HTTP objects. Only erasable TypeScript syntax
 * (see ./index.ts).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Completion, ErrorReply, RawReply, ScriptedReply } from './types.ts';
import { completionJson, errorBody, streamEvents } from './wire.ts';

const MAX_BODY = 20 * 1024 * 1024;

export function isErrorReply(r: ScriptedReply): r is ErrorReply {
  return typeof (r as ErrorReply).status === 'number' && !('raw' in r);
}

export function describeReply(reply: ScriptedReply): string {
  const delay = reply.delayMs ? ` after ${reply.delayMs} ms` : '';
  if ('hang' in reply) return `hang${delay}`;
  if ('raw' in reply) return `raw ${reply.raw.length} chars${delay}`;
  if (isErrorReply(reply)) return `HTTP ${reply.status}${delay}`;
  if ('toolCalls' in reply) return `${reply.toolCalls.length} tool call(s): ${reply.toolCalls.map((c) => c.name).join(', ')}${delay}`;
  return `content ${JSON.stringify(reply.content.slice(0, 60))}${delay}`;
}

export function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY) {
        reject(new Error('body too large'));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/** The parsed JSON body, or undefined when there is none or it is not JSON. */
export function parseJson(text: string): any {
  if (text.length === 0) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(text)), ...headers });
  res.end(text);
}

/** A raw body verbatim, or a scripted error (OpenAI's error body unless one is given). */
export function sendScripted(res: ServerResponse, reply: RawReply | ErrorReply): void {
  if ('raw' in reply) {
    res.writeHead(reply.status ?? 200, { 'content-type': reply.contentType ?? 'application/json', 'content-length': String(Buffer.byteLength(reply.raw)) });
    res.end(reply.raw);
    return;
  }
  const payload = reply.body === undefined ? errorBody(reply.status, `scripted error ${reply.status}`) : reply.body;
  const text = typeof payload === 'string' ? payload : JSON.stringify(payload);
  res.writeHead(reply.status, {
    'content-type': typeof payload === 'string' ? 'text/plain; charset=utf-8' : 'application/json',
    'content-length': String(Buffer.byteLength(text)),
    ...(reply.headers ?? {}),
  });
  res.end(text);
}

/** A completion as one JSON body, or as server-sent events when the request asked to stream. */
export function sendCompletion(res: ServerResponse, completion: Completion, id: string, created: number, requestBody: any): void {
  if (requestBody?.stream !== true) {
    sendJson(res, 200, completionJson(completion, id, created));
    return;
  }
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
  const events = streamEvents(completion, id, created, requestBody?.stream_options?.include_usage === true);
  for (const event of events.slice(0, -1)) res.write(event);
  res.end(events.at(-1));
}
