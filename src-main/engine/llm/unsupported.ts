/**
 * Whether a failed call says the endpoint does not support what was asked (tools, response_format,
 * llama.cpp's json_schema or grammar), as opposed to failing for another reason (overload, auth,
 * a prompt too long). Servers say it with many statuses, so the words decide: llama.cpp answers
 * 500 "tools param requires --jinja flag" and 400 "Failed to initialize samplers: failed to parse
 * grammar"; OpenAI 400 "Unrecognized request argument supplied: grammar"; OpenRouter 404 "No
 * endpoints found that support tool use"; Ollama 400 "… does not support tools"; vLLM 400/422
 * for unknown fields. 501 always means it.
 */
import type { LlmError } from './errors';

const SAYS_UNSUPPORTED = [
  /not supported|unsupported|does not support|doesn't support|do not support|no endpoints found that support/i,
  /requires --jinja|--jinja flag/i,
  /unrecognized (request )?(argument|parameter|field|key)|unknown (request )?(argument|parameter|field|key)|extra (fields|inputs) (are )?not permitted/i,
  /failed to initialize samplers|failed to parse grammar|invalid grammar|json.?schema conversion failed/i,
  /not implemented/i,
];

export function saysUnsupported(error: LlmError): boolean {
  if (error.kind !== 'http' || error.status === undefined) return false;
  if (error.status === 501) return true;
  if (error.status === 401 || error.status === 403 || error.status === 429) return false;
  return SAYS_UNSUPPORTED.some((re) => re.test(error.detail));
}
