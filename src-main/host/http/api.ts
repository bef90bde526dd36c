/** `POST /api/<method>`: JSON in, the engine's answer as JSON out, failures as the api's error body. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ApiError, unknownMethodError } from '../../../src-shared/api-errors';
import { isMethodName } from '../../../src-shared/api-names';
import type { Engine } from '../../engine';
import type { AuthGate } from './auth';
import { sendError, sendJsonText } from './respond';

export const MAX_BODY_BYTES = 10 * 1024 * 1024;

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolveBody, reject) => {
    const declared = Number(req.headers['content-length'] ?? 0);
    if (declared > MAX_BODY_BYTES) {
      reject(new ApiError('PAYLOAD_TOO_LARGE', `The request body is ${Math.round(declared / 1048576)} MB; at most 10 MB is accepted. Push in smaller batches.`));
      req.resume();
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        reject(new ApiError('PAYLOAD_TOO_LARGE', 'The request body is larger than 10 MB. Push in smaller batches.'));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolveBody(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function parseJson(text: string): unknown {
  if (!text.trim()) return {};
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new ApiError('BAD_INPUT', `The request body is not valid JSON: ${(error as Error).message}`);
  }
}

export type ApiHandler = (req: IncomingMessage, res: ServerResponse, url: URL, method: string) => Promise<void>;

/** The engine parses the input (once) and answers; what it throws is answered by the server's error path. */
export function createApiHandler(engine: Engine, auth: AuthGate): ApiHandler {
  return async (req, res, url, method) => {
    if (req.method !== 'POST') {
      res.setHeader('allow', 'POST');
      sendError(res, new ApiError('METHOD_NOT_ALLOWED', `Use POST for /api/${method}.`));
      return;
    }
    if (!(await auth.allows(req, url))) {
      sendError(res, new ApiError('UNAUTHORIZED', 'Missing or wrong access token: send Authorization: Bearer <token> (the token is in the URL printed at start).'));
      return;
    }
    if (!isMethodName(method)) {
      sendError(res, unknownMethodError(method));
      return;
    }
    const input = parseJson(await readBody(req));
    sendJsonText(res, 200, await engine.callJson(method, input));
  };
}
