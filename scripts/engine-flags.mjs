// V8 flags for every process that hosts the engine and that we launch: the headless host
// (npm run serve / npm start's fallback, the e2e fixture), the desktop app's main process under
// `npm start` (as --js-flags), and the benchmarks, so they measure the host as it runs.
//
// Why: Node's young generation grows to 2 x 32 MB semi-spaces on a machine with this much memory,
// and the engine's bursts (a 1,000-change push allocates everything once and drops it) fill it.
// Capping a semi-space at 8 MB took the engine's RSS after 1M changes from ~357 MB to ~189 MB with
// no measurable cost to append throughput (bench/, `npm run bench`). A long-lived tray/home-server
// process is where that memory matters.
//
// `--heap-growing-percent=30`: after a major GC, V8 lets the old generation grow to up to 4x what
// survived before collecting again. The projection's pending buffer (src-main/engine/store/pending.ts)
// keeps ~70 MB alive through a sync burst, which V8 then let grow to a ~300 MB heap; at 1.3x the
// engine's RSS after 1M changes went from ~430-440 MB to ~245 MB, append throughput unchanged.
export const ENGINE_NODE_FLAGS = ['--max-semi-space-size=8', '--heap-growing-percent=30'];

/** The same flags as one Electron `--js-flags` switch (it reaches the main process only on the command line). */
export const ELECTRON_JS_FLAGS = `--js-flags=${ENGINE_NODE_FLAGS.join(' ')}`;
