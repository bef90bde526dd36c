/**
 * THE scripted OpenAI-compatible LLM server, for unit tests, e2e tests, benches and trying the app
 * by hand. A real HTTP server on loopback speaking the real wire format (POST /v1/chat/completions
 * with and without `tools`, `stream`, GET /v1/models, usage, OpenAI-style error bodies), answering
 * from a queue of scripted replies:
 *
 *   const llm = await startScriptedLlm();
 *   llm.enqueue({ content: 'hello' });                                  // plain assistant message
 *   llm.enqueue({ toolCalls: [{ name: 'list_tasks', arguments: {} }] }); // native tool calls
 *   llm.enqueue(jsonPlanReply({ summary: 's', steps: [...] }));         // a plan in the JSON form
 *   llm.enqueue({ content: 'half a sent', finishReason: 'length' });     // cut off at the limit
 *   llm.enqueue({ status: 429, headers: { 'Retry-After': '1' } });      // an error
 *   llm.enqueue({ hang: true });                                        // never answers
 *   llm.enqueue({ delayMs: 2000, content: 'slow' });                    // slow answer
 *   llm.enqueue({ raw: '{"choices": [' });                              // malformed body
 *   llm.enqueue((req) => ({ content: `you sent ${req.body.messages.length} messages` }));
 *   llm.use(toolsNeedJinja(), honourMaxTokens());                       // act like a real server
 *   llm.enqueue(llamaCppError(400, 'the request exceeds the context'));  // llama-server's error body
 *   ... llm.url (ends in /v1), llm.requests, await llm.waitForRequests(2),
 *   await llm.waitForAborted(1), llm.reset(), await llm.close()
 *
 * When the queue is empty it answers with the default reply (a JSON plan with zero steps unless
 * configured otherwise). Time (`delayMs`, the waitFor… timeouts) runs on injectable timers, so
 * tests can use ManualTimers (src-main/testing/manual-timers.ts) instead of sleeping.
 *
 * Every file here uses only erasable TypeScript syntax and imports with `.ts` extensions, so that
 * Node >= 23.6 runs it directly: `node src-main/testing/llm-server/cli.ts --help` (a server for a
 * bench in another process, or to try the app by hand), and `scripts/*.mjs` may import this file.
 */
export { startScriptedLlm } from './server.ts';
export {
  BEHAVIOURS,
  JINJA_REQUIRED,
  PEG_PARSE_FAILED,
  SAMPLERS_FAILED,
  grammarUnsupported,
  honourMaxTokens,
  jsonSchemaUnsupported,
  llamaCppError,
  responseFormatUnsupported,
  toolsNeedJinja,
} from './behaviours.ts';
export { DEFAULT_EMPTY_PLAN, jsonPlanReply, planText } from './plans.ts';
export type {
  Completion,
  ContentReply,
  ErrorReply,
  HangReply,
  ModelsReply,
  QueuedReply,
  RawReply,
  RecordedRequest,
  ReplyFactory,
  ScriptedLlm,
  ScriptedLlmOptions,
  ScriptedReply,
  ScriptedToolCall,
  ServerBehaviour,
  ToolCallsReply,
  UsageOverride,
} from './types.ts';
