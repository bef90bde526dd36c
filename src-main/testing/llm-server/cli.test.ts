/**
 * The scripted LLM server as its own process: Node >= 23.6 runs cli.ts as TypeScript directly
 * (what the runner bench does), and another process scripts it over /__control.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const CLI = fileURLToPath(new URL('./cli.ts', import.meta.url));
const children: ChildProcess[] = [];

afterEach(() => {
  for (const child of children.splice(0)) child.kill('SIGTERM');
});

/** Starts the CLI and resolves with the URL it prints (rejects if it exits first). */
function startCli(args: string[]): Promise<string> {
  const child = spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise<string>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`exited ${code}; stderr: ${stderr}`)));
    createInterface({ input: child.stdout! }).on('line', (line) => {
      const m = /^Scripted LLM at (http:\/\/\S+\/v1)/.exec(line);
      if (m) resolve(m[1]!);
    });
  });
}

const chat = (url: string, body: Record<string, unknown>) =>
  fetch(`${url}/chat/completions`, { method: 'POST', body: JSON.stringify({ model: 'm', messages: [{ role: 'user', content: 'hi' }], ...body }) });

// type stripping is on by default from Node 23.6; the npm scripts run Node 24
describe.runIf(Number(process.versions.node.split('.')[0]) >= 23)('scripted LLM CLI', () => {
it('runs as TypeScript under Node, lists its models and is scripted over /__control', async () => {
  const url = await startCli(['--port', '0', '--model', 'cli-model']);
  const models = (await (await fetch(`${url}/models`)).json()) as any;
  expect(models.data[0].id).toBe('cli-model');
  const base = url.replace(/\/v1$/, '');
  await fetch(`${base}/__control/enqueue`, { method: 'POST', body: JSON.stringify([{ content: 'via control' }]) });
  expect(((await (await chat(url, {})).json()) as any).choices[0].message.content).toBe('via control');
});

it('switches behaviours on by name', async () => {
  const url = await startCli(['--port', '0', '--behaviour', 'tools-need-jinja']);
  const res = await chat(url, { tools: [{ type: 'function', function: { name: 'list_tasks', parameters: {} } }] });
  expect(res.status).toBe(500);
  expect(((await res.json()) as any).error.message).toBe('tools param requires --jinja flag');
});

it('refuses an unknown behaviour in one line', async () => {
  await expect(startCli(['--behaviour', 'nope'])).rejects.toThrow(/exited 2; stderr: llm-server: unknown behaviour nope \(one of: tools-need-jinja, /);
});
});
