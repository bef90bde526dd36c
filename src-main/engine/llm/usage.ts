/** Token counts: read from an answer's `usage`, estimated from text when there is none, added up. */
import type { Usage } from '../../../src-shared/domain/ai';

export const ZERO_USAGE: Usage = { promptTokens: 0, completionTokens: 0, totalTokens: 0 };

/** ~4 characters a token: the usual rule of thumb for English and code; an estimate, marked as such. */
export function estimateTokens(text: string): number {
  return text ? Math.ceil(text.length / 4) : 0;
}

export function toUsage(raw: unknown): Usage | null {
  if (!raw || typeof raw !== 'object') return null;
  const u = raw as Record<string, unknown>;
  const prompt = Number(u.prompt_tokens ?? 0) || 0;
  const completion = Number(u.completion_tokens ?? 0) || 0;
  const total = Number(u.total_tokens ?? prompt + completion) || prompt + completion;
  return { promptTokens: prompt, completionTokens: completion, totalTokens: total };
}

export function addUsage(a: Usage, b: Usage | null | undefined): Usage {
  if (!b) return a;
  return { promptTokens: a.promptTokens + b.promptTokens, completionTokens: a.completionTokens + b.completionTokens, totalTokens: a.totalTokens + b.totalTokens };
}
