/** What counts as "the endpoint does not support this": the words decide, whatever the status. */
import { describe, expect, it } from 'vitest';
import { LlmError } from './errors';
import { saysUnsupported } from './unsupported';

const answer = (status: number, detail: string) => new LlmError('http', `answered ${status}`, { status, detail });

describe('saysUnsupported', () => {
  it('real servers saying a feature is unsupported, with many statuses', () => {
    for (const [status, detail] of [
      [500, 'tools param requires --jinja flag'], // llama.cpp without --jinja
      [400, 'Failed to initialize samplers: failed to parse grammar'], // llama.cpp, a schema it cannot turn into a grammar
      [400, 'Unrecognized request argument supplied: grammar'], // OpenAI
      [404, 'No endpoints found that support tool use.'], // OpenRouter
      [400, 'registry.ollama.ai/library/gemma:2b does not support tools'], // Ollama
      [422, "Extra inputs are not permitted"], // vLLM / pydantic
      [501, ''],
    ] as const) {
      expect(saysUnsupported(answer(status, detail)), detail).toBe(true);
    }
  });

  it('other failures are not "unsupported": a prompt too long, overload, auth, a server bug', () => {
    for (const [status, detail] of [
      [400, 'the request exceeds the available context size, try increasing it'],
      [503, 'Loading model'],
      [429, 'Rate limit reached; the model is not supported at this tier'],
      [401, 'Incorrect API key provided.'],
      [500, 'The model produced output that does not match the expected peg-native format'],
    ] as const) {
      expect(saysUnsupported(answer(status, detail)), detail).toBe(false);
    }
    expect(saysUnsupported(new LlmError('timeout', 'not supported'))).toBe(false);
  });
});
