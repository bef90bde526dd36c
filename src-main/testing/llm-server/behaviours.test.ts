/** The behaviours that make the scripted server act like a real llama.cpp server, over real HTTP. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  SAMPLERS_FAILED,
  grammarUnsupported,
  honourMaxTokens,
  jsonSchemaUnsupported,
  llamaCppError,
  responseFormatUnsupported,
  startScriptedLlm,
  toolsNeedJinja,
  type ScriptedLlm,
} from './index';

let llm: ScriptedLlm;
beforeEach(async () => {
  llm = await startScriptedLlm();
});
afterEach(async () => {
  await llm.close();
});

const TOOLS = [{ type: 'function', function: { name: 'list_tasks', parameters: { type: 'object', properties: {} } } }];

async function chat(extra: Record<string, unknown> = {}): Promise<{ status: number; json: any }> {
  const res = await fetch(`${llm.url}/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'test-model', messages: [{ role: 'user', content: 'Plan my week' }], ...extra }),
  });
  return { status: res.status, json: await res.json() };
}

describe('toolsNeedJinja', () => {
  it('answers a request with tools 500 like llama-server without --jinja, and keeps the queued reply for the retry', async () => {
    llm.use(toolsNeedJinja());
    llm.enqueue({ content: 'the plan' });
    const refused = await chat({ tools: TOOLS });
    expect(refused).toEqual({ status: 500, json: { error: { code: 500, message: 'tools param requires --jinja flag', type: 'server_error' } } });
    expect(llm.pending).toBe(1);
    const retried = await chat({ tools: [] });
    expect(retried.json.choices[0].message.content).toBe('the plan');
    expect(llm.requests).toHaveLength(2);
  });
});

describe('responseFormatUnsupported', () => {
  it('answers 400 "Failed to initialize samplers" to json_object and json_schema, not to text', async () => {
    llm.use(responseFormatUnsupported());
    for (const format of [{ type: 'json_object' }, { type: 'json_schema', json_schema: { name: 'plan', schema: { type: 'object' } } }]) {
      expect(await chat({ response_format: format })).toEqual({
        status: 400,
        json: { error: { code: 400, message: 'Failed to initialize samplers', type: 'invalid_request_error' } },
      });
    }
    expect((await chat({ response_format: { type: 'text' } })).status).toBe(200);
    expect((await chat()).status).toBe(200);
  });
});

describe('jsonSchemaUnsupported and grammarUnsupported', () => {
  it('answer 400 "Failed to initialize samplers" to a top-level json_schema or grammar, and nothing else', async () => {
    llm.use(jsonSchemaUnsupported(), grammarUnsupported());
    const refusal = { status: 400, json: { error: { code: 400, message: SAMPLERS_FAILED, type: 'invalid_request_error' } } };
    expect(await chat({ json_schema: { type: 'object' } })).toEqual(refusal);
    expect(await chat({ grammar: 'root ::= "{}"' })).toEqual(refusal);
    expect((await chat({ response_format: { type: 'json_object' } })).status).toBe(200);
    expect((await chat({ grammar: '' })).status).toBe(200);
  });
});

describe('llamaCppError', () => {
  it('is an error reply with llama-server’s body: the status repeated as code', async () => {
    llm.enqueue(llamaCppError(400, 'the request exceeds the available context size, try increasing it'));
    expect(await chat()).toEqual({
      status: 400,
      json: { error: { code: 400, message: 'the request exceeds the available context size, try increasing it', type: 'invalid_request_error' } },
    });
  });
});

describe('honourMaxTokens', () => {
  it('cuts a longer reply at max_tokens with finish_reason "length", and leaves a short one alone', async () => {
    llm.use(honourMaxTokens());
    const long = 'x'.repeat(400); // ~100 tokens at 4 characters a token
    llm.enqueue({ content: long }, { content: long }, { content: 'short' });
    const cut = await chat({ max_tokens: 10 });
    expect(cut.json.choices[0]).toMatchObject({ message: { content: 'x'.repeat(40) }, finish_reason: 'length' });
    expect(cut.json.usage.completion_tokens).toBe(10);
    expect((await chat({ max_completion_tokens: 5 })).json.choices[0]).toMatchObject({ message: { content: 'x'.repeat(20) }, finish_reason: 'length' });
    expect((await chat({ max_tokens: 10 })).json.choices[0]).toMatchObject({ message: { content: 'short' }, finish_reason: 'stop' });
  });

  it('turns a tool call cut at the limit into truncated text, as a real server’s parser would', async () => {
    llm.use(honourMaxTokens());
    llm.enqueue({ toolCalls: [{ name: 'create_task', arguments: { title: 'Call Anna about the quarterly report', priority: 'high' } }] });
    const { json } = await chat({ tools: TOOLS, max_tokens: 5 });
    expect(json.choices[0].finish_reason).toBe('length');
    expect(json.choices[0].message.tool_calls).toBeUndefined();
    expect(json.choices[0].message.content).toHaveLength(20);
  });
});

describe('behaviours and reset', () => {
  it('apply in the order added; reset() comes back to those given at start', async () => {
    await llm.close();
    llm = await startScriptedLlm({ behaviours: [responseFormatUnsupported()] });
    llm.use(toolsNeedJinja());
    const both = await chat({ tools: TOOLS, response_format: { type: 'json_object' } });
    expect(both.json.error.message).toBe('Failed to initialize samplers');
    expect((await chat({ tools: TOOLS })).status).toBe(500);
    llm.reset();
    expect((await chat({ tools: TOOLS })).status).toBe(200);
    expect((await chat({ response_format: { type: 'json_object' } })).status).toBe(400);
  });
});
