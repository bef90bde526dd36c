/**
 * The planner against a REAL llama.cpp llama-server running a tiny random-weight model (real Qwen2
 * tokenizer, real Qwen2.5 chat template): a real server with a model too weak to follow
 * instructions. Every mode: with and without --jinja; tool calling, response_format, json_schema,
 * grammar. What must hold: a run ends with a valid plan (proposals) or a failure whose reason names
 * the real cause, never "done" with garbage; auto mode learns the fallback once; the connection test
 * is quick; giving up stops the server generating. A summary of what was seen is printed at the end.
 */
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Iteration } from '../../src-shared/domain/ai';
import { type LlmFeature, type PlannerMode, endpointKey } from '../../src-shared/domain/settings';
import { type Engine, createEngine } from '../../src-main/engine/index';
import { MemorySecretStore } from '../../src-main/engine/settings';
import { getData, putMission } from '../../src-main/engine/testing/harness';
import { tempDataDir } from '../../src-main/engine/testing/temp-db';
import { type LlamaServer, startLlamaServer } from './llama-server';

const MODEL = 'tiny-qwen2';
/** next to the results (the suite's cache), or nowhere */
const logFile = (name: string) => (process.env.MC_LLAMA_RESULTS ? join(dirname(process.env.MC_LLAMA_RESULTS), `llama-server-${name}.log`) : undefined);
const seen: Record<string, unknown>[] = [];

interface Setup {
  engine: Engine;
  close(): Promise<void>;
}

function engineFor(server: LlamaServer, llm: { plannerMode: PlannerMode; maxTokens?: number; timeoutMs?: number }, dataDir = tempDataDir()): Setup {
  const engine = createEngine({
    dataDir: dataDir.dir,
    secrets: new MemorySecretStore(),
    overrides: { llm: { baseUrl: server.url, model: MODEL, temperature: 0.8, maxTokens: llm.maxTokens ?? 1500, timeoutMs: llm.timeoutMs ?? 600_000, plannerMode: llm.plannerMode }, runner: { timeZone: 'Europe/Berlin' } },
    // a fixed clock: the same prompt every time, so the seeded server answers the same way
    now: () => new Date('2026-11-20T09:00:00.000Z'),
    // but the LLM's latencies and its run's deadline on the real clock: this server takes real time
    llmDeps: { now: () => Date.now() },
    autoStart: false,
  });
  return { engine, close: async () => (await engine.close(), dataDir.cleanup()) };
}

async function planOnce(engine: Engine, missionId: string, label: string) {
  const started = Date.now();
  const run = await engine.call('missions.runNow', { missionId });
  const iteration = (await getData(engine, 'ai', 'aiIterations', run.iterationId!)) as Iteration;
  const { debug } = await engine.call('iterations.debug', { iterationId: run.iterationId! });
  const proposals = iteration.steps.filter((s) => s.proposalId).length;
  const calls = debug!.conversations.flatMap((c) => c.calls.map((call) => ({ mode: c.mode, structured: call.structured ?? null, attempts: call.attempts?.map((a) => a.status) ?? [], finish: call.finishReason ?? null, seconds: Math.round(call.latencyMs / 100) / 10, error: call.error?.slice(0, 120) ?? null })));
  // what a repair round told the model (the first answer's problems)
  const repairs = debug!.conversations.flatMap((c) => c.messages.filter((m) => m.role === 'user' && String(m.content).startsWith('Your answer could not be used')).map((m) => String(m.content).slice(0, 300)));
  seen.push({ label, status: iteration.status, proposals, seconds: Math.round((Date.now() - started) / 100) / 10, tokens: iteration.usage?.totalTokens ?? 0, error: iteration.error ?? null, note: iteration.plannerNote ?? null, calls, repairs });
  return { iteration, debug: debug!, proposals };
}

/** The outcome is honest: proposals, a considered "nothing to do", or a failure naming its cause. */
function expectHonest(iteration: Iteration, proposals: number): void {
  if (iteration.status === 'awaiting-review') return expect(proposals).toBeGreaterThan(0);
  if (iteration.status === 'done') return expect(iteration.summary).toMatch(/^nothing to do[.!]?$/i);
  expect(iteration.status).toBe('failed');
  expect(iteration.error).toMatch(/ran out of tokens|invalid after a repair round|did not answer with a plan|plain text instead of calling a tool|answered 5\d\d/);
}

function refuse(engine: Engine, server: LlamaServer, features: LlmFeature[]): void {
  for (const feature of features) {
    engine.settings.learnCapability(endpointKey({ baseUrl: server.url, model: MODEL }), feature, { ok: false, note: 'set by the test to force the next form', at: new Date().toISOString() });
  }
}

afterAll(() => {
  const file = process.env.MC_LLAMA_RESULTS;
  if (file) writeFileSync(file, JSON.stringify(seen, null, 2));
  console.log(`\nWhat the real llama-server did:\n${seen.map((s) => JSON.stringify(s)).join('\n')}`);
});

describe('llama-server started without --jinja', () => {
  let server: LlamaServer;
  beforeAll(async () => {
    server = await startLlamaServer({ jinja: false, logFile: logFile('no-jinja') });
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('the connection test takes under 2 s and says the model did not answer as asked', async () => {
    const { engine, close } = engineFor(server, { plannerMode: 'auto' });
    try {
      const started = Date.now();
      const result = await engine.call('llm.test', {});
      const seconds = (Date.now() - started) / 1000;
      seen.push({ label: 'connection test (no --jinja)', seconds, ...result });
      expect(seconds).toBeLessThan(2);
      expect(result).toMatchObject({ ok: true, error: null, warning: expect.stringMatching(/did not answer as asked/) });
    } finally {
      await close();
    }
  });

  it('auto: "tools param requires --jinja flag" → a JSON plan in the same run; the second run goes straight there', async () => {
    const { engine, close } = engineFor(server, { plannerMode: 'auto' });
    try {
      await putMission(engine, 'm1', { title: 'Plan my week', objective: 'Turn my notes into tasks' });
      const first = await planOnce(engine, 'm1', 'auto, no --jinja, run 1');
      expect(first.debug.conversations[0]!.calls[0]!.error).toMatch(/answered 500: tools param requires --jinja flag/);
      expect(first.debug.conversations[0]!.calls[0]!.attempts).toHaveLength(1); // not retried
      expect(first.debug.conversations.map((c) => c.mode)).toEqual(['tools', 'json']);
      expect(first.iteration.plannerNote).toMatch(/requires --jinja flag/);
      expectHonest(first.iteration, first.proposals);
      expect(engine.settings.capabilities().tools).toMatchObject({ ok: false });

      const second = await planOnce(engine, 'm1', 'auto, no --jinja, run 2');
      expect(second.debug.conversations.map((c) => c.mode)).toEqual(['json']);
      expectHonest(second.iteration, second.proposals);
    } finally {
      await close();
    }
  });

  it('the probe finds tool calling refused and the schema forms working', async () => {
    const { engine, close } = engineFor(server, { plannerMode: 'auto' });
    try {
      const started = Date.now();
      const probe = await engine.call('llm.probe', {});
      seen.push({ label: 'probe (no --jinja)', seconds: (Date.now() - started) / 1000, checks: probe.checks });
      expect(probe.checks.map((c) => [c.feature, c.ok])).toEqual([
        ['tools', false],
        ['responseFormat', true],
        ['jsonSchema', true],
        ['grammar', true],
      ]);
    } finally {
      await close();
    }
  });
});

describe('llama-server started with --jinja', () => {
  let server: LlamaServer;
  beforeAll(async () => {
    server = await startLlamaServer({ jinja: true, logFile: logFile('jinja') });
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('the connection test takes under 2 s', async () => {
    const { engine, close } = engineFor(server, { plannerMode: 'auto' });
    try {
      const started = Date.now();
      const result = await engine.call('llm.test', {});
      const seconds = (Date.now() - started) / 1000;
      seen.push({ label: 'connection test (--jinja)', seconds, ...result });
      expect(seconds).toBeLessThan(2);
      expect(result.ok).toBe(true);
    } finally {
      await close();
    }
  });

  it('auto: a model that cannot call tools → a JSON plan in the same run, remembered', async () => {
    const { engine, close } = engineFor(server, { plannerMode: 'auto' });
    try {
      await putMission(engine, 'm1', { title: 'Plan my week', objective: 'Turn my notes into tasks' });
      const first = await planOnce(engine, 'm1', 'auto, --jinja, run 1');
      expect(first.debug.conversations.map((c) => c.mode)).toEqual(['tools', 'json']);
      expect(first.iteration.plannerNote).toMatch(/^Tool calling did not work: (the model answered in plain text|the server could not read the model's answer)/);
      expectHonest(first.iteration, first.proposals);
      const second = await planOnce(engine, 'm1', 'auto, --jinja, run 2');
      expect(second.debug.conversations.map((c) => c.mode)).toEqual(['json']);
      expectHonest(second.iteration, second.proposals);
    } finally {
      await close();
    }
  });

  it('tools mode: the weak model never makes a "done" run out of garbage', async () => {
    const { engine, close } = engineFor(server, { plannerMode: 'tools' });
    try {
      await putMission(engine, 'm1', { title: 'Plan my week' });
      const { iteration, proposals } = await planOnce(engine, 'm1', 'tools mode, --jinja');
      expectHonest(iteration, proposals);
      expect(iteration.status).not.toBe('done');
    } finally {
      await close();
    }
  });

  const forms: [LlmFeature, LlmFeature[]][] = [
    ['responseFormat', []],
    ['jsonSchema', ['responseFormat']],
    ['grammar', ['responseFormat', 'jsonSchema']],
  ];
  for (const [form, refused] of forms) {
    it(`json mode, constrained by ${form}: the forced plan passes validation and becomes proposals`, async () => {
      const { engine, close } = engineFor(server, { plannerMode: 'json' });
      try {
        refuse(engine, server, refused);
        await putMission(engine, 'm1', { title: 'Plan my week', objective: 'Turn my notes into tasks' });
        const { iteration, debug, proposals } = await planOnce(engine, 'm1', `json mode, ${form}`);
        expect(debug.conversations[0]!.calls[0]!.structured).toBe(form);
        expect(debug.conversations[0]!.calls[0]!.error).toBeUndefined();
        expect(iteration.status).toBe('awaiting-review');
        expect(proposals).toBeGreaterThan(0);
      } finally {
        await close();
      }
    });
  }

  it('an answer cut off at max tokens is reported as such, not as a parse error', async () => {
    const { engine, close } = engineFor(server, { plannerMode: 'json', maxTokens: 64 });
    try {
      await putMission(engine, 'm1', { title: 'Plan my week' });
      const { iteration } = await planOnce(engine, 'm1', 'json mode, max tokens 64');
      expect(iteration).toMatchObject({ status: 'failed', summary: 'The model ran out of tokens before finishing the plan.', error: expect.stringMatching(/limit of 64 tokens/) });
    } finally {
      await close();
    }
  });

  it('giving up closes the connection and the server stops generating', async () => {
    const { engine, close } = engineFor(server, { plannerMode: 'json', maxTokens: 6000 });
    try {
      refuse(engine, server, ['responseFormat', 'jsonSchema', 'grammar']); // free text: a long generation
      await putMission(engine, 'm1', { title: 'Plan my week' });
      const running = engine.call('missions.runNow', { missionId: 'm1' }).catch((e: unknown) => e);
      const deadline = Date.now() + 30_000;
      while (!(await server.busy())) {
        if (Date.now() > deadline) throw new Error('the server never started generating');
        await new Promise((r) => setTimeout(r, 50));
      }
      const gaveUpAt = Date.now();
      await engine.call('missions.pause', { missionId: 'm1' });
      expect(await running).toMatchObject({ message: expect.stringMatching(/aborted/) });
      // llama-server notices a closed connection when it next polls (every second) and cancels the
      // task; the whole answer (6000 tokens) would take minutes
      while (await server.busy()) {
        if (Date.now() - gaveUpAt > 15_000) throw new Error('the server kept generating after the request was abandoned');
        await new Promise((r) => setTimeout(r, 50));
      }
      seen.push({ label: 'abandoned request: server idle again after', seconds: (Date.now() - gaveUpAt) / 1000 });
    } finally {
      await close();
    }
  });
});
