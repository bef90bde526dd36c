// Types of scripts/api-names.mjs for TypeScript importers (src-shared/api-names.test.ts).
export declare const API_FILE: string;
export declare const NAMES_FILE: string;
export declare function renderApiNames(apiSource: string): string;
