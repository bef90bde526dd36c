/**
 * What travels over Electron IPC between the preload and main: one channel per api method, one
 * channel for events, and result envelopes (errors thrown across IPC lose their type and
 * properties, so failures travel as values). Shared by both ends; no zod, since the sandboxed
 * preload bundles this file.
 */
import { ApiError, decodeError, encodeError, type ErrorBody } from '../../src-shared/api-errors';
import type { EventName, MethodName } from '../../src-shared/api-names';

export const CHANNEL_PREFIX = 'companion:';
/** The one channel events travel on, main -> renderer: `{name, payload}`. */
export const EVENT_CHANNEL = 'companion:event';

export type ErrorEnvelope = { ok: false } & ErrorBody;
export type ResultEnvelope<T = unknown> = { ok: true; value: T } | ErrorEnvelope;

export interface EventMessage {
  name: EventName;
  payload: unknown;
}

export function channelFor(method: MethodName): string {
  return CHANNEL_PREFIX + method;
}

/** Anything thrown -> the envelope main answers with (the body every transport sends, see api-errors). */
export function errorEnvelope(error: unknown, method?: string, requestId?: string): ErrorEnvelope {
  return { ok: false, ...encodeError(error, method, requestId) };
}

/** The preload's half: an envelope -> its value, or the ApiError it carries. */
export function unwrapEnvelope(envelope: unknown): { ok: true; value: unknown } | { ok: false; error: ApiError } {
  if (envelope && typeof envelope === 'object' && (envelope as { ok?: unknown }).ok === true) {
    return { ok: true, value: (envelope as { value?: unknown }).value };
  }
  return { ok: false, error: decodeError(envelope, new ApiError('INTERNAL', 'Malformed answer from the main process.')) };
}
