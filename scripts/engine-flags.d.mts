// Types of scripts/engine-flags.mjs for TypeScript importers (e2e fixtures).
export declare const ENGINE_NODE_FLAGS: string[];
export declare const ELECTRON_JS_FLAGS: string;
