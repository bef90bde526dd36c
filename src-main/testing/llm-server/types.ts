/**
 * The scripted LLM server's vocabulary: what a test can queue as a reply, what the server records
 * of each request, and the behaviours that make it act like a particular real server.
 * Only erasable TypeScript syntax (see ./index.ts).
 */
import type { IncomingHttpHeaders } from 'node:http';
import type { Timers } from '../../timers.ts';

// ---------------------------------------------------------------------------------------------
// Replies a test queues

export interface ScriptedToolCall {
  name: string;
  /** an object is sent JSON-encoded; a string is sent as is (so malformed arguments can be scripted) */
  arguments: Record<string, unknown> | string;
  /** defaults to call_<n> */
  id?: string;
}

export interface UsageOverride {
  prompt_tokens?: number;
  completion_tokens?: number;
  total_tokens?: number;
}

interface ReplyCommon {
  /** wait this long (on the server's timers) before answering: a slow model */
  delayMs?: number;
}

export interface ContentReply extends ReplyCommon {
  content: string;
  /** default "stop"; "length" is a reply cut off at the token limit */
  finishReason?: string;
  usage?: UsageOverride;
  /** the model name reported in the answer (default: the requested model) */
  model?: string;
}

export interface ToolCallsReply extends ReplyCommon {
  toolCalls: ScriptedToolCall[];
  content?: string | null;
  /** default "tool_calls" */
  finishReason?: string;
  usage?: UsageOverride;
  model?: string;
}

export interface ErrorReply extends ReplyCommon {
  status: number;
  /** default: an OpenAI-style `{error: {message, type, param, code}}`; a string is sent as text */
  body?: unknown;
  /** e.g. `{ 'Retry-After': '2' }` with a 429 */
  headers?: Record<string, string>;
}

/** Never answers: the connection stays open until the client gives up or the server closes. */
export interface HangReply extends ReplyCommon {
  hang: true;
}

/** Sends this text verbatim: malformed or truncated bodies. */
export interface RawReply extends ReplyCommon {
  raw: string;
  /** default 200 */
  status?: number;
  /** default application/json */
  contentType?: string;
}

export type ScriptedReply = ContentReply | ToolCallsReply | ErrorReply | HangReply | RawReply;

export type ReplyFactory = (request: RecordedRequest) => ScriptedReply;
export type QueuedReply = ScriptedReply | ReplyFactory;

/** What GET /v1/models answers: a list of ids, or a scripted failure. */
export type ModelsReply = string[] | ErrorReply | RawReply | HangReply;

// ---------------------------------------------------------------------------------------------
// What the server records

export interface RecordedRequest {
  /** 1-based, over all requests the server received */
  seq: number;
  /** when it arrived, on the server's clock (ms) */
  at: number;
  method: string;
  /** path without the query string, e.g. /v1/chat/completions */
  path: string;
  headers: IncomingHttpHeaders;
  /** the parsed JSON body, or undefined when there was no body or it was not JSON */
  body: any;
  rawBody: string;
  /** the client closed the connection before the answer was complete (timeout, cancel, shutdown) */
  aborted: boolean;
}

// ---------------------------------------------------------------------------------------------
// A successful answer, before it goes on the wire

export interface WireToolCall {
  id: string;
  type: 'function';
  function: { name: string; arguments: string };
}

export interface Usage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
}

export interface Completion {
  model: string;
  content: string | null;
  toolCalls: WireToolCall[] | null;
  finishReason: string;
  usage: Usage;
}

// ---------------------------------------------------------------------------------------------
// Behaviours: how a particular real server differs (see ./behaviours.ts)

/**
 * A trait of the server beyond the reply queue. `intercept` answers a chat request itself, before
 * the queue is touched (a server that refuses a parameter: the scripted reply stays queued for the
 * client's next try); `shape` changes a completion about to be sent (a server that honours
 * `max_tokens`). Behaviours apply in the order they were added.
 */
export interface ServerBehaviour {
  /** shown in the server's log */
  name: string;
  intercept?(request: RecordedRequest): ScriptedReply | undefined;
  shape?(completion: Completion, request: RecordedRequest): Completion;
}

// ---------------------------------------------------------------------------------------------
// The server

export interface ScriptedLlmOptions {
  /** default 0: a free port */
  port?: number;
  /** default 127.0.0.1 */
  host?: string;
  /** the ids GET /v1/models lists (default ['test-model']) */
  models?: string[];
  /** the reply when the queue is empty (default: DEFAULT_EMPTY_PLAN) */
  defaultReply?: QueuedReply;
  /** when set, requests without `Authorization: Bearer <apiKey>` get a 401 */
  requireApiKey?: string;
  /** replies queued at start */
  replies?: QueuedReply[];
  /** behaviours active from the start (reset() comes back to these) */
  behaviours?: ServerBehaviour[];
  /** log each request to stderr (the CLI turns this on) */
  log?: boolean;
  /** the timers of `delayMs` and of the waitFor… timeouts (default: real ones; tests pass ManualTimers) */
  timers?: Timers;
  /** the clock of `RecordedRequest.at` and `created` (default Date.now) */
  now?: () => number;
}

export interface ScriptedLlm {
  /** base URL ending in /v1, e.g. http://127.0.0.1:40123/v1 */
  readonly url: string;
  readonly port: number;
  /** the chat-completion requests received, in order */
  readonly requests: RecordedRequest[];
  /** every request received (models, chat, unknown paths; control calls excluded) */
  readonly allRequests: RecordedRequest[];
  /** how many scripted replies are still queued */
  readonly pending: number;
  /** queue the next replies of POST /v1/chat/completions, in order */
  enqueue(...replies: QueuedReply[]): void;
  /** the reply used when the queue is empty */
  setDefault(reply: QueuedReply): void;
  /** what GET /v1/models answers */
  setModels(models: ModelsReply): void;
  /** require (or with null stop requiring) `Authorization: Bearer <key>` */
  requireApiKey(key: string | null): void;
  /** adds a behaviour (after those already active) */
  use(...behaviours: ServerBehaviour[]): void;
  /** resolves once `count` chat requests have arrived (rejects after timeoutMs, default 10 s) */
  waitForRequests(count: number, timeoutMs?: number): Promise<RecordedRequest[]>;
  /** resolves once `count` chat requests were abandoned by their client (rejects after timeoutMs) */
  waitForAborted(count: number, timeoutMs?: number): Promise<RecordedRequest[]>;
  /** empties the queue and the records; restores the default reply, models, key and behaviours */
  reset(): void;
  /** stops the server and drops every open connection (hanging requests included) */
  close(): Promise<void>;
}
