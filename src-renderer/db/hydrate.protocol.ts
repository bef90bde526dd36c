/** Messages between the page (hydrator.ts) and the hydration worker (hydrate.worker.ts). */
import type { ErrorBody } from '../../src-shared/api-errors';

/** How the worker reaches the api: HTTP itself with the host's token, or through the page (Electron's bridge lives there). */
/** http: the worker calls the host itself (the session cookie goes along); relay: through the page (Electron IPC) */
export type WorkerApi = { kind: 'http' } | { kind: 'relay' };

export type ToWorker =
  | { type: 'start'; api: WorkerApi; nodeId: string; pageSize?: number; chunkSize?: number }
  /** the page's answer to a relayed call */
  | { type: 'answer'; id: number; result?: unknown; error?: ErrorBody['error'] };

export type FromWorker =
  /** a call for the page to make (relay) */
  | { type: 'call'; id: number; method: string; input: unknown }
  | { type: 'inbox-ready' }
  | { type: 'progress'; records: number }
  /** `clockAt`: a stamp above every stamp hydrated, for the page's clock to observe */
  | { type: 'done'; records: number; clockAt: string }
  | { type: 'failed'; error: ErrorBody['error'] };
