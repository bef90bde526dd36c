/**
 * The sync protocol's requests (docs/sync-protocol.md) over fetch: push, pull, claim and the SSE
 * stream. Answers are checked with the lenient schemas of wire.ts; every failure is a SyncHttpError
 * that says what kind it is, so the client decides once what to do about it (client.ts).
 */
import { SyncClaimResponse } from '../../../src-shared/domain/sync-protocol';
import { IncomingPage, IncomingStreamEvent, type OutgoingChange } from './wire';
import type { z } from 'zod';
import { redactUrlCredentials } from '../../../src-shared/url-credentials';

/** How long one request may take before it counts as a network failure. */
export const REQUEST_TIMEOUT_MS = 60_000;

export type FailureKind =
  /** no answer (connection refused or reset, DNS, timeout): try again later */
  | 'network'
  /** 408, 429, 5xx: the server is there but cannot answer now */
  | 'busy'
  /** 401/403: the token is missing, wrong or revoked */
  | 'unauthorized'
  /** 413: fewer changes per request */
  | 'too-large'
  /** 400/409/422: the request (a change in it) is refused as it is */
  | 'refused'
  /** 404/405 and other answers: the URL does not lead to a sync server speaking this protocol */
  | 'not-sync-server';

export class SyncHttpError extends Error {
  constructor(
    readonly kind: FailureKind,
    message: string,
    readonly status: number | null = null,
    /** the server's error body (`{error: {code, message, issues?}}`) when it sent one */
    readonly body: { code?: string; message?: string; issues?: { path: (string | number)[]; message: string }[] } | null = null,
    /** Retry-After, in ms */
    readonly retryAfterMs: number | null = null,
  ) {
    super(redactUrlCredentials(message));
    this.name = 'SyncHttpError';
  }
}

export function failureKind(status: number): FailureKind {
  if (status === 408 || status === 429 || status >= 500) return 'busy';
  if (status === 401 || status === 403) return 'unauthorized';
  if (status === 413) return 'too-large';
  if (status === 400 || status === 409 || status === 422) return 'refused';
  return 'not-sync-server';
}

export interface SyncEndpoint {
  /** the base URL under which /sync/{appId} lives */
  baseUrl: string;
  token: string;
  clientId: string;
}

export type FetchLike = typeof fetch;

export interface StreamHandlers {
  /** a page of changes of one collection; the next frame is read after this returns */
  onChanges: (event: z.infer<typeof IncomingStreamEvent>) => Promise<void> | void;
  /** the server accepted the stream */
  onOpen: () => void;
  /** the server's periodic sign of life */
  onHeartbeat: () => void;
}

export class SyncHttp {
  constructor(
    private readonly endpoint: SyncEndpoint,
    private readonly fetchImpl: FetchLike = fetch,
  ) {}

  private url(path: string): string {
    return `${this.endpoint.baseUrl.replace(/\/+$/, '')}${path}`;
  }

  private headers(extra: Record<string, string> = {}): Record<string, string> {
    return { authorization: `Bearer ${this.endpoint.token}`, 'x-client-id': this.endpoint.clientId, ...extra };
  }

  /** Sends a request and returns the parsed JSON of a 2xx answer; anything else throws SyncHttpError. */
  private async request(path: string, init: RequestInit, signal?: AbortSignal): Promise<unknown> {
    const timeout = AbortSignal.timeout(REQUEST_TIMEOUT_MS);
    let res: Response;
    try {
      res = await this.fetchImpl(this.url(path), { ...init, signal: signal ? AbortSignal.any([signal, timeout]) : timeout });
    } catch (error) {
      if (signal?.aborted) throw error;
      throw new SyncHttpError('network', networkText(this.endpoint.baseUrl, error));
    }
    const text = await res.text().catch(() => '');
    if (!res.ok) throw answerError(res, text);
    try {
      return JSON.parse(text) as unknown;
    } catch {
      throw new SyncHttpError('not-sync-server', `The server at ${this.endpoint.baseUrl} answered something that is not JSON; is this the address of a sync server?`, res.status);
    }
  }

  async push(appId: string, body: { since: string; changes: OutgoingChange[] }, signal?: AbortSignal): Promise<IncomingPage> {
    const json = await this.request(
      `/sync/${encodeURIComponent(appId)}`,
      { method: 'POST', headers: this.headers({ 'content-type': 'application/json' }), body: JSON.stringify({ clientId: this.endpoint.clientId, since: body.since, schemaVersion: 1, changes: body.changes }) },
      signal,
    );
    return parseAnswer(IncomingPage, json, this.endpoint.baseUrl);
  }

  async pull(appId: string, collection: string, since: string, signal?: AbortSignal): Promise<IncomingPage> {
    const q = new URLSearchParams({ collection, since });
    const json = await this.request(`/sync/${encodeURIComponent(appId)}/pull?${q}`, { headers: this.headers() }, signal);
    return parseAnswer(IncomingPage, json, this.endpoint.baseUrl);
  }

  /** A claim of one due time; a server without claims (upstream) answers 404, which is `null` here. */
  async claim(appId: string, missionId: string, dueAt: string, signal?: AbortSignal): Promise<SyncClaimResponse | null> {
    try {
      const json = await this.request(
        `/sync/${encodeURIComponent(appId)}/claims`,
        { method: 'POST', headers: this.headers({ 'content-type': 'application/json' }), body: JSON.stringify({ missionId, dueAt, deviceId: this.endpoint.clientId }) },
        signal,
      );
      return parseAnswer(SyncClaimResponse, json, this.endpoint.baseUrl);
    } catch (error) {
      if (error instanceof SyncHttpError && error.status === 404) return null;
      throw error;
    }
  }

  /**
   * Follows collections of one app on the live channel until `signal` aborts or the stream ends
   * (resolves) or fails (throws). Each `changes` event is handed over, in order; the next frame is
   * read only after `onChanges` has finished with the previous one.
   */
  async stream(appId: string, collections: readonly string[], since: string, on: StreamHandlers, signal: AbortSignal): Promise<void> {
    const { onChanges, onOpen, onHeartbeat } = on;
    const q = new URLSearchParams({ collections: collections.join(','), since, clientId: this.endpoint.clientId });
    let res: Response;
    try {
      res = await this.fetchImpl(this.url(`/sync/${encodeURIComponent(appId)}/stream?${q}`), { headers: this.headers({ accept: 'text/event-stream' }), signal });
    } catch (error) {
      if (signal.aborted) return;
      throw new SyncHttpError('network', networkText(this.endpoint.baseUrl, error));
    }
    if (!res.ok || !res.body) throw answerError(res, await res.text().catch(() => ''));
    onOpen();
    const decoder = new TextDecoder();
    let buffer = '';
    try {
      for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
        buffer += decoder.decode(chunk, { stream: true }).replace(/\r\n/g, '\n');
        let end: number;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const frame = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const event = readFrame(frame);
          if (event?.name === 'heartbeat') onHeartbeat();
          if (event?.name !== 'changes') continue;
          let json: unknown;
          try {
            json = JSON.parse(event.data);
          } catch {
            throw new SyncHttpError('not-sync-server', 'The live channel sent an event that is not JSON.');
          }
          await onChanges(parseAnswer(IncomingStreamEvent, json, this.endpoint.baseUrl));
        }
      }
    } catch (error) {
      if (signal.aborted) return;
      if (error instanceof SyncHttpError) throw error;
      throw new SyncHttpError('network', networkText(this.endpoint.baseUrl, error));
    }
  }
}

function readFrame(frame: string): { name: string; data: string } | null {
  let name = 'message';
  const data: string[] = [];
  for (const line of frame.split('\n')) {
    if (line.startsWith('event:')) name = line.slice(6).trim();
    else if (line.startsWith('data:')) data.push(line.slice(5).replace(/^ /, ''));
  }
  return data.length ? { name, data: data.join('\n') } : null;
}

function parseAnswer<T>(schema: z.ZodType<T>, json: unknown, baseUrl: string): T {
  const parsed = schema.safeParse(json);
  if (!parsed.success) throw new SyncHttpError('not-sync-server', `The server at ${baseUrl} answered in a form this app does not know; is it a sync server?`);
  return parsed.data;
}

function answerError(res: Response, text: string): SyncHttpError {
  let body: SyncHttpError['body'] = null;
  try {
    const json = JSON.parse(text) as { error?: unknown };
    if (json && typeof json.error === 'object' && json.error) body = json.error as SyncHttpError['body'];
    else if (json && typeof json.error === 'string') body = { message: json.error };
  } catch {
    // not JSON: the status says enough
  }
  const retryAfter = Number(res.headers.get('retry-after'));
  const message = body?.message ?? (text.trim().slice(0, 300) || res.statusText || `HTTP ${res.status}`);
  return new SyncHttpError(failureKind(res.status), message, res.status, body, Number.isFinite(retryAfter) && retryAfter >= 0 ? retryAfter * 1000 : null);
}

function networkText(baseUrl: string, error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } })?.cause;
  const code = cause?.code ?? (error as { code?: string })?.code;
  if ((error as Error)?.name === 'TimeoutError') return `The server at ${baseUrl} did not answer within ${REQUEST_TIMEOUT_MS / 1000} s.`;
  if (code === 'ECONNREFUSED') return `Nothing answers at ${baseUrl} (connection refused): is the sync server running?`;
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return `The server name in ${baseUrl} cannot be found: check the address, or the network.`;
  if (code === 'ECONNRESET' || code === 'UND_ERR_SOCKET') return `The connection to ${baseUrl} was cut.`;
  return `Cannot reach ${baseUrl}: ${cause?.message ?? (error as Error)?.message ?? String(error)}`;
}
