/**
 * The HTTP transport of the LLM client: node:http(s), answering with a web `Response`.
 *
 * Not the global fetch: its HTTP client gives up on any server that has not sent its response
 * headers within 300 s (undici's headersTimeout), whatever timeout the user set, and a slow local
 * model (a long prompt on a CPU, a llama-server that holds a tool-call answer back until it is
 * complete) easily takes longer; that limit cannot be changed without a dependency. Here the only
 * limits are the client's own timeout and cancel, and either destroys the socket at once.
 */
import http from 'node:http';
import https from 'node:https';
import { Readable } from 'node:stream';

export function nodeFetch(input: string | URL | Request, init: RequestInit = {}): Promise<Response> {
  return new Promise((resolve, reject) => {
    const url = new URL(String(input));
    const body = typeof init.body === 'string' ? init.body : undefined;
    const headers: Record<string, string> = { ...(init.headers as Record<string, string> | undefined) };
    if (body !== undefined) headers['content-length'] = String(Buffer.byteLength(body));
    const signal = init.signal;
    const abortError = () => Object.assign(new Error('This operation was aborted'), { name: 'AbortError' });
    if (signal?.aborted) return reject(abortError());
    // A fresh connection per request: reusing a kept-alive socket the server has just closed fails
    // with ECONNRESET (seen with llama-server), and LLM calls are few and long, so reuse saves little.
    const request = (url.protocol === 'https:' ? https : http).request(url, { method: init.method ?? 'GET', headers, agent: false }, (response) => {
      const out = new Headers();
      for (const [name, value] of Object.entries(response.headers)) {
        if (value !== undefined) out.set(name, Array.isArray(value) ? value.join(', ') : value);
      }
      const status = response.statusCode ?? 502;
      const noBody = status === 204 || status === 304 || init.method === 'HEAD';
      resolve(new Response(noBody ? null : (Readable.toWeb(response) as ReadableStream<Uint8Array>), { status, headers: out }));
    });
    const onAbort = () => request.destroy(abortError());
    signal?.addEventListener('abort', onAbort, { once: true });
    request.on('error', reject);
    request.on('close', () => signal?.removeEventListener('abort', onAbort));
    request.end(body);
  });
}
