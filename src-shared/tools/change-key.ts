/**
 * When two write steps are "the same change": same tool, same target record, same canonical
 * params. The target record is one of the params (taskId, noteId, …), so one key covers both.
 *
 * Canonical params: parsed by the tool's zod schema (its defaults applied, its coercions done),
 * strings trimmed, keys sorted, absent and undefined values dropped, and every date-time turned
 * into the instant it stands for in the user's time zone ("2026-11-21 10:00", "2026-11-21T10:00:00"
 * and "2026-11-21T09:00:00Z" in Berlin are one time). Bare dates stay YYYY-MM-DD.
 */
import { getTool } from './catalog';
import { toInstant } from './modules';

const DATE_TIME = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$/;

/** A stable text that is equal for two steps exactly when they make the same change. */
export function changeKey(toolName: string, params: Record<string, unknown>, timeZone: string): string {
  const parsed = getTool(toolName)?.params.safeParse(params);
  const value = parsed?.success ? parsed.data : params;
  return `${toolName} ${JSON.stringify(canonical(value, timeZone))}`;
}

function canonical(value: unknown, timeZone: string): unknown {
  if (typeof value === 'string') {
    const text = value.trim();
    if (!DATE_TIME.test(text)) return text;
    return toInstant(text, timeZone)?.toISOString() ?? text;
  }
  if (Array.isArray(value)) return value.map((v) => canonical(v, timeZone));
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) {
      const v = (value as Record<string, unknown>)[key];
      if (v !== undefined) out[key] = canonical(v, timeZone);
    }
    return out;
  }
  return value;
}
