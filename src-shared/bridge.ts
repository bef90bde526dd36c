/**
 * The object the Electron preload exposes as `window.companion` (src-main/preload-bridge.ts makes
 * it; src-renderer/api/client.ts uses it; a plain browser has none).
 *
 *   call(method, input?): resolves with the method's output; rejects with a plain
 *     `{name: 'ApiError', code, message, issues?}` object (properties of Error objects do not survive
 *     contextBridge), which decodeError (src-shared/api-errors.ts) turns back into an ApiError.
 *   on(event, cb): cb(payload) for each event of that name; returns the unsubscribe function.
 */
export interface CompanionBridge {
  call(method: string, input?: unknown): Promise<unknown>;
  on(event: string, cb: (payload: unknown) => void): () => void;
}
