// Types of scripts/build-state.mjs for TypeScript importers (src-main/testing/built.ts).
export declare const OUTPUTS: { cli: string; main: string; preload: string; rendererHtml: string };
export declare const BUILD_INPUTS: { dirs: string[]; files: string[] };
export declare function buildInputs(root: string): string[];
export declare function staleOutputs(root: string): string[];
export declare function runBuild(root: string): { ok: boolean; output: string; seconds: number };
export declare function buildIfStale(root: string, who: string): boolean;
