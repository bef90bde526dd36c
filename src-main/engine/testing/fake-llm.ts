/** Test helper: a `fetch` that answers chat completions from a script and records requests. */
export type FakeReply = { content?: string; toolCalls?: { name: string; arguments: unknown }[]; status?: number; body?: string; usage?: number };

export function fakeLlm(defaultReply: FakeReply = { content: '```json\n{"summary":"nothing","steps":[]}\n```' }) {
  const queue: FakeReply[] = [];
  const requests: { url: string; body: any; headers: Record<string, string> }[] = [];
  const fetchImpl = (async (url: string | URL, init?: RequestInit) => {
    const body = init?.body ? JSON.parse(String(init.body)) : null;
    requests.push({ url: String(url), body, headers: (init?.headers ?? {}) as Record<string, string> });
    const reply = queue.shift() ?? defaultReply;
    if (reply.status && reply.status >= 400) return new Response(reply.body ?? JSON.stringify({ error: { message: 'scripted failure' } }), { status: reply.status });
    if (String(url).endsWith('/models')) return Response.json({ object: 'list', data: [{ id: 'test-model' }] });
    const message: Record<string, unknown> = { role: 'assistant', content: reply.content ?? null };
    if (reply.toolCalls) {
      message.tool_calls = reply.toolCalls.map((c, i) => ({
        id: `call_${i}`,
        type: 'function',
        function: { name: c.name, arguments: typeof c.arguments === 'string' ? c.arguments : JSON.stringify(c.arguments) },
      }));
    }
    const tokens = reply.usage ?? 30;
    return Response.json({
      id: 'x',
      object: 'chat.completion',
      model: 'test-model',
      choices: [{ index: 0, message, finish_reason: reply.toolCalls ? 'tool_calls' : 'stop' }],
      usage: { prompt_tokens: tokens - 10, completion_tokens: 10, total_tokens: tokens },
    });
  }) as typeof fetch;
  return { fetch: fetchImpl, queue, requests, enqueue: (...r: FakeReply[]) => queue.push(...r) };
}

export const planText = (steps: unknown[], summary = 'plan') => '```json\n' + JSON.stringify({ summary, steps }) + '\n```';
