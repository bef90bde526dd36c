/**
 * A stand-alone stub of the upstream mana-sync server, written from shared/reference/upstream-mana.md
 * §1.3–1.4 as literally as possible, NOT from our server: the sync client must work against it both
 * ways. What it does as upstream does (and our server does not):
 * - the cursor is `created_at` (server clock, RFC3339Nano with trailing zeros cut, as Go prints it),
 *   compared with a strict `>`; an unparsable `since` means the epoch;
 * - a push stores each change in its own "transaction" (a failure midway leaves the earlier ones
 *   stored; `failNextPushAfter` makes one do that), gives every row a fresh UUID as its eventId (no
 *   dedup: a retried batch is stored twice), keeps `data` only for inserts (field_meta `{}`), drops
 *   `fields` of deletes, and answers the delta of every table of the app since `since`, capped at
 *   5,000 rows with no `hasMore`, `syncedUntil` = now;
 * - pull pages of 1,000 with `hasMore` (`syncedUntil` = the last row's created_at, else now);
 * - rows go out with only eventId, schemaVersion, table, id, op, data|fields|deletedAt, spaceId,
 *   actor, origin (no clientId, no createdAt, no app); an empty list is `null`, as Go's nil slice;
 * - no claims: /claims answers 404. Auth is one fixed bearer token (upstream: a JWT).
 */
import { randomUUID } from 'node:crypto';
import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

interface Row {
  id: string;
  appId: string;
  table: string;
  recordId: string;
  op: string;
  data: Record<string, unknown>;
  fieldMeta: Record<string, string>;
  clientId: string;
  /** nanoseconds since the epoch */
  createdAt: bigint;
  actor: unknown;
  origin: string | null;
  spaceId: string | null;
}

export interface UpstreamStub {
  url: string;
  rows: Row[];
  /** the next push stores this many changes, then fails with 500 (upstream's non-atomic push) */
  failNextPushAfter: number | null;
  /** bodies above this answer 413 (upstream: 10 MB) */
  maxBodyBytes: number;
  close(): Promise<void>;
}

const PUSH_DELTA_CAP = 5000;
const PULL_PAGE = 1000;

/** Go's RFC3339Nano: fraction with trailing zeros cut (none at all on a whole second). */
export function rfc3339Nano(ns: bigint): string {
  const ms = Number(ns / 1_000_000n);
  const base = new Date(ms).toISOString().slice(0, 19);
  const frac = (ns % 1_000_000_000n).toString().padStart(9, '0').replace(/0+$/, '');
  return `${base}${frac ? `.${frac}` : ''}Z`;
}

/** created_at > since, with `since` parsed as any RFC3339 time; unparsable → the epoch. */
function parseSince(since: string): bigint {
  const m = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:\d{2})$/.exec(since);
  if (!m) return 0n;
  const ms = Date.parse(`${m[1]}${m[3]}`);
  if (Number.isNaN(ms)) return 0n;
  return BigInt(ms) * 1_000_000n + BigInt((m[2] ?? '').padEnd(9, '0'));
}

function changeFromRow(row: Row): Record<string, unknown> {
  const out: Record<string, unknown> = { eventId: row.id, schemaVersion: 1, table: row.table, id: row.recordId, op: row.op };
  if (row.op === 'insert') out.data = row.data;
  else if (row.op === 'update') {
    const fields: Record<string, unknown> = {};
    for (const f of Object.keys(row.fieldMeta)) fields[f] = { value: row.data[f], at: row.fieldMeta[f] };
    out.fields = fields;
  } else if (typeof row.data.deletedAt === 'string') out.deletedAt = row.data.deletedAt;
  out.spaceId = row.spaceId ?? '';
  if (row.actor !== undefined && row.actor !== null) out.actor = row.actor;
  if (row.origin) out.origin = row.origin;
  return out;
}

export async function startUpstreamStub(options: { token: string; now?: () => number }): Promise<UpstreamStub> {
  const now = options.now ?? Date.now;
  let lastNs = 0n;
  /** the server clock in ns, strictly increasing (Postgres now() differs per transaction) */
  const clockNs = () => {
    const ns = BigInt(now()) * 1_000_000n;
    lastNs = ns > lastNs ? ns : lastNs + 1n;
    return lastNs;
  };
  const rows: Row[] = [];
  const listeners = new Set<{ appId: string; clientId: string; notify: () => void }>();
  const stub: UpstreamStub = { url: '', rows, failNextPushAfter: null, maxBodyBytes: 10 * 1024 * 1024, close: async () => undefined };

  const send = (res: ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  };
  const authorized = (req: IncomingMessage) => req.headers.authorization === `Bearer ${options.token}`;
  const clientIdOf = (req: IncomingMessage, body?: { clientId?: unknown }) => String(req.headers['x-client-id'] ?? body?.clientId ?? '');
  const since = (appId: string, table: string | null, after: bigint, clientId: string) =>
    rows.filter((r) => r.appId === appId && (table === null || r.table === table) && r.createdAt > after && r.clientId !== clientId).sort((a, b) => (a.createdAt < b.createdAt ? -1 : 1));
  const list = (items: Row[]) => (items.length ? items.map(changeFromRow) : null);

  async function push(req: IncomingMessage, res: ServerResponse, appId: string): Promise<void> {
    const chunks: Buffer[] = [];
    let size = 0;
    // Go's MaxBytesReader: reading past the limit fails; the server still reads what the client
    // sends on so that it gets to read the 413.
    for await (const chunk of req) {
      size += (chunk as Buffer).length;
      if (size <= stub.maxBodyBytes) chunks.push(chunk as Buffer);
    }
    if (size > stub.maxBodyBytes) return send(res, 413, { error: 'http: request body too large' });
    let body: { clientId?: string; since?: string; schemaVersion?: number; changes?: Record<string, any>[] };
    try {
      body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    } catch {
      return send(res, 400, { error: 'invalid JSON' });
    }
    if ((body.schemaVersion ?? 1) > 1) return send(res, 400, { error: 'unsupported schema version' });
    const changes = body.changes ?? [];
    for (const c of changes) {
      if (!['insert', 'update', 'delete'].includes(c.op) || !c.table || !c.id) return send(res, 400, { error: 'invalid change' });
    }
    const clientId = clientIdOf(req, body);
    let stored = 0;
    for (const c of changes) {
      if (stub.failNextPushAfter !== null && stored === stub.failNextPushAfter) {
        stub.failNextPushAfter = null;
        return send(res, 500, { error: 'failed to record change' });
      }
      let data: Record<string, unknown> = {};
      const fieldMeta: Record<string, string> = {};
      if (c.op === 'update' && c.fields) {
        for (const [f, fc] of Object.entries(c.fields as Record<string, { value: unknown; at: string }>)) {
          data[f] = fc.value;
          fieldMeta[f] = fc.at;
        }
      } else if (c.op === 'insert') data = c.data ?? {};
      else if (c.op === 'delete') {
        data = { ...(c.data ?? {}) };
        if (c.deletedAt) data.deletedAt = c.deletedAt;
      }
      const spaceId = c.spaceId || (data.spaceId as string) || c.fields?.spaceId?.value || null;
      rows.push({ id: randomUUID(), appId, table: c.table, recordId: c.id, op: c.op, data, fieldMeta, clientId, createdAt: clockNs(), actor: c.actor ?? null, origin: c.origin || null, spaceId });
      stored++;
    }
    const delta = since(appId, null, parseSince(body.since ?? ''), clientId).slice(0, PUSH_DELTA_CAP);
    send(res, 200, { serverChanges: list(delta), conflicts: [], syncedUntil: rfc3339Nano(clockNs()) });
    for (const l of listeners) if (l.appId === appId && l.clientId !== clientId) l.notify();
  }

  function pull(req: IncomingMessage, res: ServerResponse, appId: string, url: URL): void {
    const collection = url.searchParams.get('collection');
    const sinceText = url.searchParams.get('since');
    if (!collection || sinceText === null) return send(res, 400, { error: 'collection and since are required' });
    const found = since(appId, collection, parseSince(sinceText), clientIdOf(req)).slice(0, PULL_PAGE + 1);
    const hasMore = found.length > PULL_PAGE;
    const page = found.slice(0, PULL_PAGE);
    send(res, 200, { serverChanges: list(page), conflicts: [], syncedUntil: hasMore ? rfc3339Nano(page.at(-1)!.createdAt) : rfc3339Nano(clockNs()), hasMore });
  }

  function stream(req: IncomingMessage, res: ServerResponse, appId: string, url: URL): void {
    const tables = (url.searchParams.get('collections') ?? '').split(',').filter(Boolean);
    const clientId = clientIdOf(req) || (url.searchParams.get('clientId') ?? '');
    const cursors = new Map(tables.map((t) => [t, parseSince(url.searchParams.get('since') ?? '')]));
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
    const emit = () => {
      for (const table of tables) {
        const page = since(appId, table, cursors.get(table)!, clientId);
        const until = page.length ? page.at(-1)!.createdAt : clockNs();
        cursors.set(table, until);
        res.write(`event: changes\ndata: ${JSON.stringify({ table, changes: list(page), syncedUntil: rfc3339Nano(until), hasMore: false })}\n\n`);
      }
    };
    emit();
    const listener = { appId, clientId, notify: emit };
    listeners.add(listener);
    req.on('close', () => listeners.delete(listener));
  }

  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://stub');
    const m = /^\/sync\/([^/]+)(?:\/(pull|stream))?$/.exec(url.pathname);
    if (!m) return send(res, 404, { error: 'not found' });
    if (!authorized(req)) return send(res, 401, { error: 'unauthorized' });
    const appId = decodeURIComponent(m[1]!);
    if (m[2] === 'pull' && req.method === 'GET') return pull(req, res, appId, url);
    if (m[2] === 'stream' && req.method === 'GET') return stream(req, res, appId, url);
    if (m[2] === undefined && req.method === 'POST') return void push(req, res, appId).catch(() => send(res, 500, { error: 'internal' }));
    send(res, 404, { error: 'not found' });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  stub.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  stub.close = () =>
    new Promise<void>((resolve) => {
      listeners.clear();
      server.close(() => resolve());
      server.closeAllConnections();
    });
  return stub;
}
