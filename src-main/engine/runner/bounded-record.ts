/**
 * Whatever the model said, what a run writes stays within bounds: the iteration record (a synced
 * change) well inside the per-change limit that sync.push enforces, and the debug capture (local,
 * shown in the debug view) inside that limit too. The model's answer is bounded already
 * (llm/answer-limit.ts), but a run keeps several answers, its read results and refused calls as
 * the model wrote them; when those add up past the bound, long texts are cut (saying how much was
 * left out), shorter and shorter, and as a last resort the bulky parts are left out altogether.
 * Nothing is cut in the ordinary case: the bounds are far above what a plan needs.
 */
import { MAX_CHANGE_BYTES } from '../../../src-shared/domain/change';
import type { IterationStep } from '../../../src-shared/domain/ai';
import { jsonShapeProblem } from '../../../src-shared/json-shape';
import type { DebugCapture } from './plan-session';

/** An iteration record's steps stay within this many characters of JSON (a quarter of a change's limit). */
export const ITERATION_STEPS_CHARS = MAX_CHANGE_BYTES / 4;
/** A run's error and planner note are cut to this. */
export const ITERATION_TEXT_CHARS = 2_000;
/** A debug capture stays within this many characters of JSON. */
export const DEBUG_CAPTURE_CHARS = MAX_CHANGE_BYTES;

export const LEFT_OUT = 'left out: too large to keep';

/** `text` cut to `max` characters, saying how many were left out. */
export function cutText(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max)}… (${text.length - max} more characters left out)` : text;
}

/** `value` with every text longer than `max` cut. Only for values of a sane shape (no deep recursion). */
function cutTexts(value: unknown, max: number): unknown {
  if (typeof value === 'string') return cutText(value, max);
  if (Array.isArray(value)) return value.map((v) => cutTexts(v, max));
  if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, cutTexts(v, max)]));
  return value;
}

/** `value` if its JSON fits `maxChars`; else with ever shorter texts; else `fallback(value)`. */
function fitJson<T>(value: T, maxChars: number, fallback: (value: T) => T): T {
  if (jsonShapeProblem(value) !== null) return fallback(value);
  if (JSON.stringify(value).length <= maxChars) return value;
  for (let max = 4096; max >= 64; max = Math.floor(max / 4)) {
    const cut = cutTexts(value, max) as T;
    if (JSON.stringify(cut).length <= maxChars) return cut;
  }
  return fallback(value);
}

/** A read's result is kept in the run record as it was when its JSON is at most this long. */
export const READ_RESULT_KEPT_CHARS = 200;

/**
 * What a run record keeps of a read step's result: the result itself when short, else only its
 * size (`{items}` for a list, `{chars}` otherwise). No screen shows a read's result and no prompt
 * reads it back, but the run record is synced to every device and kept for the history horizon:
 * a list of twenty tasks read every hour was most of a year's database. The model's conversation,
 * results included, stays in the run's debug capture (debug-captures.ts keeps the newest ones).
 */
export function recordedReadResult(result: unknown): unknown {
  const text = JSON.stringify(result ?? null);
  if (text.length <= READ_RESULT_KEPT_CHARS) return result;
  return Array.isArray(result) ? { items: result.length } : { chars: text.length };
}

/** A step with its bulky parts (the model's details, a read's result) left out. */
function slimStep(step: IterationStep): IterationStep {
  const { result: _result, ...rest } = step;
  return {
    ...rest,
    summary: cutText(step.summary, 300),
    toolName: cutText(step.toolName, 100),
    rationale: cutText(step.rationale ?? '', 500),
    params: { note: LEFT_OUT },
    ...(step.error ? { error: cutText(step.error, 500) } : {}),
    ...(step.issues ? { issues: step.issues.slice(0, 20).map((i) => ({ path: i.path.slice(0, 10), message: cutText(i.message, 300) })) } : {}),
    ...(step.result !== undefined ? { result: { note: LEFT_OUT } } : {}),
  };
}

/** The steps of an iteration record, within ITERATION_STEPS_CHARS. */
export function boundedSteps(steps: IterationStep[]): IterationStep[] {
  // a step whose details nest past the stored shape cannot be kept as written, whatever its size
  const sane = steps.map((s) => (jsonShapeProblem(s) === null ? s : slimStep(s)));
  return fitJson(sane, ITERATION_STEPS_CHARS, (all) => all.map(slimStep));
}

/** A debug capture within DEBUG_CAPTURE_CHARS: the conversation texts cut, else left out (the calls' figures stay). */
export function boundedCapture(capture: DebugCapture): DebugCapture {
  return fitJson(capture, DEBUG_CAPTURE_CHARS, (c) => ({
    ...c,
    notes: c.notes?.map((n) => cutText(n, 500)),
    conversations: c.conversations.map((conv) => ({
      mode: conv.mode,
      messages: [{ role: 'note', content: `The messages of this conversation were ${LEFT_OUT}.` }],
      calls: conv.calls.map((call) => ({ ...call, raw: null, ...(call.error ? { error: cutText(call.error, 500) } : {}), attempts: (call.attempts ?? []).slice(0, 10).map((a) => ({ ...a, ...(a.error ? { error: cutText(a.error, 500) } : {}) })) })),
    })),
  }));
}
