/**
 * `GET /health` of the headless host, for process managers and containers: 200 `{"status":"ok"}`
 * once the engine's database answers a read, 503 otherwise. No token: it says nothing but that. A
 * host started with `--sync` answers it from the sync router instead (with its storage's kind),
 * which is tried first.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ApiError } from '../../../src-shared/api';
import type { Engine } from '../../engine';
import { sendError, sendJsonText } from './respond';

export const HEALTH_PATH = '/health';

export function createHealthHandler(engine: Engine): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.setHeader('allow', 'GET, HEAD');
      sendError(res, new ApiError('METHOD_NOT_ALLOWED', `Use GET for ${HEALTH_PATH}.`));
      return;
    }
    let ok: boolean;
    try {
      engine.store.maxSeq();
      ok = true;
    } catch {
      ok = false; // closed or broken: the process is up, the app is not
    }
    sendJsonText(res, ok ? 200 : 503, JSON.stringify({ status: ok ? 'ok' : 'unavailable' }));
  };
}
