// Types of scripts/chromium.mjs for TypeScript importers (playwright.config.ts).
export declare function chromiumCandidates(): string[];
export declare function findChromium(): string | null;
export declare const CHROMIUM_ARGS: string[];
