// Types of scripts/chromium.mjs for TypeScript importers (playwright.config.ts, scripts/chromium.test.ts).
export declare function chromiumCandidates(platform?: NodeJS.Platform, env?: Record<string, string | undefined>): string[];
export declare function findChromium(): string | null;
export declare function howToGetChromium(platform?: NodeJS.Platform): string;
export declare const CHROMIUM_ARGS: string[];
