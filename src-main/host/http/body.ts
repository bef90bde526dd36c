/**
 * Reading a request body with a size limit, declared (Content-Length) or not (chunked). A body over
 * the limit is refused with 413 *before* the connection closes: the client gets its answer instead of
 * a dropped connection. Bytes still arriving after the refusal are read and dropped up to DRAIN_BYTES
 * more (a client that is still sending when the server closes would get a TCP reset, which can
 * swallow the answer); a client that keeps sending beyond that is cut off.
 */
import type { IncomingMessage } from 'node:http';
import { ApiError } from '../../../src-shared/api-errors';

export const MAX_BODY_BYTES = 10 * 1024 * 1024;
/** How much of an oversized body is still read (and dropped) after the 413, before the connection is cut. */
export const DRAIN_BYTES = 1024 * 1024;

function tooLarge(declared: number | null, limit: number): ApiError {
  const mb = (n: number) => `${Math.round((n / 1048576) * 10) / 10} MB`;
  const size = declared === null ? `larger than ${mb(limit)}` : mb(declared);
  return new ApiError('PAYLOAD_TOO_LARGE', `The request body is ${size}; at most ${mb(limit)} is accepted. Push in smaller batches.`);
}

/** The body as UTF-8 text; rejects with PAYLOAD_TOO_LARGE over `limit` bytes. */
export function readBody(req: IncomingMessage, limit = MAX_BODY_BYTES): Promise<string> {
  return new Promise((resolveBody, reject) => {
    const header = req.headers['content-length'];
    const declared = header === undefined ? null : Number(header);
    const chunks: Buffer[] = [];
    let size = 0;
    let refused = false;
    let dropped = 0;
    const refuse = () => {
      refused = true;
      chunks.length = 0;
      reject(tooLarge(declared, limit));
    };
    if (declared !== null && declared > limit) refuse();
    req.on('data', (chunk: Buffer) => {
      if (refused) {
        dropped += chunk.length;
        if (dropped > DRAIN_BYTES) req.socket.destroy();
        return;
      }
      size += chunk.length;
      if (size > limit) refuse();
      else chunks.push(chunk);
    });
    req.on('end', () => {
      if (!refused) resolveBody(Buffer.concat(chunks).toString('utf8'));
    });
    req.on('error', (error) => {
      if (!refused) reject(error);
    });
  });
}
