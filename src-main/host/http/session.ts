/**
 * `GET /api/session`: whether this browser is signed in, and if not, how a person gets in again.
 * A tab that lost access (the token was rotated, or it belongs to another host) asks this when it
 * regains focus instead of polling the api with 401s, and shows the command that prints a fresh URL
 * for the way this host was started (`npm start -- url`, `npm run serve -- url`, …).
 * It answers without a credential; a wrong credential counts like any other wrong token.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ApiError } from '../../../src-shared/api-errors';
import type { SessionAnswer, SignInHint } from '../../../src-shared/http-host';
import type { AuthGate } from './auth';
import { sendError, sendJsonText } from './respond';

export type { SessionAnswer, SignInHint };

export function createSessionHandler(auth: AuthGate, hint: SignInHint) {
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.setHeader('allow', 'GET, HEAD');
      sendError(res, new ApiError('METHOD_NOT_ALLOWED', 'Use GET for /api/session.'));
      return;
    }
    // a tab without any credential is told how to sign in; that is not a wrong guess
    const signedIn = auth.presents(req) && (await auth.check(req)) !== null;
    const answer: SessionAnswer = signedIn ? { signedIn: true } : { signedIn: false, signIn: hint };
    sendJsonText(res, 200, JSON.stringify(answer));
  };
}
