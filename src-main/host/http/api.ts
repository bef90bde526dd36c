/** `POST /api/<method>`: JSON in, the engine's answer as JSON out, failures as the api's error body. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ApiError, unknownMethodError } from '../../../src-shared/api-errors';
import { isMethodName } from '../../../src-shared/api-names';
import type { Engine } from '../../engine';
import { UNAUTHORIZED_MESSAGE, type AuthGate } from './auth';
import { readBody } from './body';
import { checkSameOrigin } from './csrf';
import { sendError, sendJsonText } from './respond';

export { MAX_BODY_BYTES } from './body';

function parseJson(text: string): unknown {
  if (!text.trim()) return {};
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new ApiError('BAD_INPUT', `The request body is not valid JSON: ${(error as Error).message}`);
  }
}

export type ApiHandler = (req: IncomingMessage, res: ServerResponse, method: string) => Promise<void>;

/** The engine parses the input (once) and answers; what it throws is answered by the server's error path. */
export function createApiHandler(engine: Engine, auth: AuthGate): ApiHandler {
  return async (req, res, method) => {
    if (req.method !== 'POST') {
      res.setHeader('allow', 'POST');
      sendError(res, new ApiError('METHOD_NOT_ALLOWED', `Use POST for /api/${method.slice(0, 200)}.`));
      return;
    }
    const via = await auth.check(req);
    if (via === null) {
      sendError(res, new ApiError('UNAUTHORIZED', UNAUTHORIZED_MESSAGE));
      return;
    }
    if (via === 'cookie') checkSameOrigin(req, { changes: true });
    if (!isMethodName(method)) {
      sendError(res, unknownMethodError(method));
      return;
    }
    const input = parseJson(await readBody(req));
    sendJsonText(res, 200, await engine.callJson(method, input));
  };
}
