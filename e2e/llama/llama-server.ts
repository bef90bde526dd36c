/**
 * A real llama.cpp llama-server for `npm run test:llama`: started on a free loopback port with the
 * tiny random-weight model scripts/llama built, stopped by its own process id. MC_LLAMA_SERVER and
 * MC_LLAMA_MODEL are set by scripts/test-llama.mjs.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { freePort } from '../../src-main/testing/free-port';

export interface LlamaServer {
  /** base URL ending in /v1 */
  url: string;
  port: number;
  /** what the server printed (for a failing test's message) */
  output(): string;
  /** GET /slots: whether any slot is still generating */
  busy(): Promise<boolean>;
  stop(): Promise<void>;
}

/** Starts llama-server; when `logFile` is given, what it printed is written there when it stops. */
export async function startLlamaServer(options: { jinja: boolean; contextSize?: number; seed?: number; logFile?: string }): Promise<LlamaServer> {
  const bin = process.env.MC_LLAMA_SERVER;
  const model = process.env.MC_LLAMA_MODEL;
  if (!bin || !model) throw new Error('MC_LLAMA_SERVER and MC_LLAMA_MODEL are not set: run this suite with `npm run test:llama`.');
  const port = await freePort();
  const args = ['-m', model, '--host', '127.0.0.1', '--port', String(port), '-t', '2', '-c', String(options.contextSize ?? 16384), '-np', '1', '--seed', String(options.seed ?? 42), options.jinja ? '--jinja' : '--no-jinja'];
  const child: ChildProcess = spawn(bin, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  child.stdout!.on('data', (d: Buffer) => (log += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (log += d.toString()));
  const base = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 120_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`llama-server exited (${child.exitCode}):\n${log.slice(-2000)}`);
    try {
      if ((await fetch(`${base}/health`)).ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`llama-server did not become healthy in 120 s:\n${log.slice(-2000)}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  return {
    url: `${base}/v1`,
    port,
    output: () => log,
    async busy() {
      const slots = (await (await fetch(`${base}/slots`)).json()) as { is_processing?: boolean }[];
      return slots.some((s) => s.is_processing);
    },
    stop() {
      return new Promise<void>((resolve) => {
        const done = () => {
          if (options.logFile) writeFileSync(options.logFile, log);
          resolve();
        };
        if (child.exitCode !== null) return done();
        child.once('exit', done);
        child.kill('SIGTERM');
      });
    },
  };
}
