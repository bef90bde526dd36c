// Builds (once) the pieces `npm run test:llama` needs, in a cache outside the repository:
//   <cache>/npm        node-llama-cpp, only for the llama.cpp source it ships (llama/gitRelease.bundle)
//   <cache>/llama.cpp  a clone of that bundle (its gguf-py writes the tiny model)
//   <cache>/build      cmake build of llama-server
//   <cache>/tiny-qwen2.gguf  2-layer random-weight model, real Qwen2 tokenizer and Qwen2.5 chat template
// Nothing here is committed; delete the cache to start over. Cache: $MC_LLAMA_CACHE, else
// ~/.cache/mission-companion/llama.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
// The version ENVIRONMENT.md saw building and serving; pinned so the cache stays meaningful.
const NODE_LLAMA_CPP = 'node-llama-cpp@3.21.1';

export function cacheDir() {
  return process.env.MC_LLAMA_CACHE || join(homedir(), '.cache', 'mission-companion', 'llama');
}

function run(cmd, args, opts = {}) {
  console.log(`test:llama: ${cmd} ${args.join(' ')}`);
  const result = spawnSync(cmd, args, { stdio: 'inherit', ...opts });
  if (result.status !== 0) {
    throw new Error(`${cmd} ${args.join(' ')} failed (exit ${result.status ?? result.signal}); see the output above.`);
  }
}

function need(tool, hint) {
  const probe = spawnSync(tool, ['--version'], { stdio: 'ignore' });
  if (probe.error || probe.status !== 0) throw new Error(`test:llama needs ${tool}: ${hint}`);
}

/** Returns paths to the llama-server binary and the tiny model, building what is missing. */
export function ensureLlama({ jobs = 2 } = {}) {
  const cache = cacheDir();
  mkdirSync(cache, { recursive: true });
  const npmDir = join(cache, 'npm');
  const bundle = join(npmDir, 'node_modules', 'node-llama-cpp', 'llama', 'gitRelease.bundle');
  const src = join(cache, 'llama.cpp');
  const buildDir = join(cache, 'build');
  const server = join(buildDir, 'bin', 'llama-server');
  // The name carries the model script's version: a changed script makes a new model.
  const model = join(cache, 'tiny-qwen2-v2.gguf');

  if (!existsSync(bundle)) {
    mkdirSync(npmDir, { recursive: true });
    writeFileSync(join(npmDir, 'package.json'), '{"private":true}\n');
    run('npm', ['install', NODE_LLAMA_CPP, '--omit=optional', '--ignore-scripts', '--no-audit', '--no-fund'], { cwd: npmDir });
  }
  if (!existsSync(join(src, 'CMakeLists.txt'))) {
    need('git', 'install git');
    run('git', ['clone', '--quiet', bundle, src]);
  }
  if (!existsSync(server)) {
    need('cmake', 'install cmake and a C++ compiler (Debian: apt-get install cmake g++)');
    run('cmake', [
      '-S', src, '-B', buildDir,
      '-DLLAMA_USE_PREBUILT_UI=OFF', '-DLLAMA_BUILD_UI=OFF', '-DLLAMA_OPENSSL=OFF', '-DLLAMA_CURL=OFF',
      '-DGGML_NATIVE=ON', '-DCMAKE_BUILD_TYPE=Release',
    ]);
    run('cmake', ['--build', buildDir, '--target', 'llama-server', `-j${jobs}`]);
  }
  if (!existsSync(model)) {
    need('python3', 'install python3 with numpy');
    run('python3', [join(here, 'tiny-model.py'), src, model], {
      env: { ...process.env, PYTHONPATH: join(src, 'gguf-py') },
    });
  }
  return { server, model, cache };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  try {
    const { server, model } = ensureLlama();
    console.log(`test:llama: ready\n  server ${server}\n  model  ${model}`);
  } catch (error) {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  }
}
