/**
 * The scripted LLM server as a process (Node >= 23.6 runs this TypeScript directly):
 *
 *   node src-main/testing/llm-server/cli.ts [--port 8081] [--host 127.0.0.1] [--model ID]...
 *        [--api-key KEY] [--script replies.json] [--default "assistant text"] [--behaviour NAME]...
 *
 * It prints `Scripted LLM at <url>` once listening. While it runs, other processes script it over
 * HTTP: POST /__control/enqueue (a reply or an array of replies), POST /__control/default,
 * POST /__control/reset, GET /__control/requests.
 */
import { readFileSync } from 'node:fs';
import { BEHAVIOURS } from './behaviours.ts';
import { startScriptedLlm } from './server.ts';
import type { ScriptedLlmOptions, ScriptedReply } from './types.ts';

const USAGE =
  'usage: node src-main/testing/llm-server/cli.ts [--port N] [--host 127.0.0.1] [--model ID]... [--api-key KEY]\n' +
  '         [--script replies.json] [--default "assistant text"] [--behaviour NAME]...\n' +
  `behaviours: ${Object.keys(BEHAVIOURS).join(', ')}\n` +
  'Control while running: POST /__control/enqueue {reply|[replies]}, POST /__control/default, POST /__control/reset, GET /__control/requests\n';

function parseArgs(argv: string[]): ScriptedLlmOptions {
  const opts: ScriptedLlmOptions = { log: true, behaviours: [] };
  const models: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const value = () => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${arg} needs a value`);
      return v;
    };
    if (arg === '--port') opts.port = Number(value());
    else if (arg === '--host') opts.host = value();
    else if (arg === '--model') models.push(value());
    else if (arg === '--api-key') opts.requireApiKey = value();
    else if (arg === '--script') {
      const parsed: unknown = JSON.parse(readFileSync(value(), 'utf8'));
      opts.replies = (Array.isArray(parsed) ? parsed : [parsed]) as ScriptedReply[];
    } else if (arg === '--default') opts.defaultReply = { content: value() };
    else if (arg === '--behaviour') {
      const name = value();
      const make = BEHAVIOURS[name];
      if (!make) throw new Error(`unknown behaviour ${name} (one of: ${Object.keys(BEHAVIOURS).join(', ')})`);
      opts.behaviours!.push(make());
    } else if (arg === '--help' || arg === '-h') {
      process.stdout.write(USAGE);
      process.exit(0);
    } else throw new Error(`unknown argument ${arg} (try --help)`);
  }
  if (models.length > 0) opts.models = models;
  return opts;
}

let options: ScriptedLlmOptions;
try {
  options = parseArgs(process.argv.slice(2));
} catch (err) {
  process.stderr.write(`llm-server: ${(err as Error).message}\n`);
  process.exit(2);
}
startScriptedLlm(options).then(
  (llm) => {
    const behaviours = options.behaviours!.map((b) => b.name);
    process.stdout.write(`Scripted LLM at ${llm.url} (models: ${(options.models ?? ['test-model']).join(', ')}${behaviours.length ? `; ${behaviours.join(', ')}` : ''})\n`);
    const stop = () => void llm.close().then(() => process.exit(0));
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  },
  (err: unknown) => {
    process.stderr.write(`llm-server: could not start: ${(err as Error).message}\n`);
    process.exit(1);
  },
);
