// Types of scripts/electron-binary.mjs for TypeScript importers (e2e/fixtures/electron.ts).
export declare const NO_ELECTRON_LINE: string;
export declare function electronDir(root: string): string;
export declare function electronBinary(root: string): string | null;
