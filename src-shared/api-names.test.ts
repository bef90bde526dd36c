import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { API_FILE, NAMES_FILE, renderApiNames } from '../scripts/api-names.mjs';
import { events, methods } from './api';
import { EVENT_NAMES, isEventName, isMethodName, METHOD_NAMES } from './api-names';

describe('the generated api names (what the preload checks names against)', () => {
  it('are what scripts/api-names.mjs makes of api.ts today (else run `npm run api-names`)', () => {
    expect(readFileSync(NAMES_FILE, 'utf8')).toBe(renderApiNames(readFileSync(API_FILE, 'utf8')));
  });

  it('name every method and event of api.ts, in its order', () => {
    expect([...METHOD_NAMES]).toEqual(Object.keys(methods));
    expect([...EVENT_NAMES]).toEqual(Object.keys(events));
  });

  it('answer only for declared names, never for inherited properties', () => {
    expect(isMethodName('runner.status')).toBe(true);
    expect(isEventName('sync.changed')).toBe(true);
    for (const name of ['__proto__', 'constructor', 'toString', 'fs.readFile', '', 42, null]) {
      expect(isMethodName(name)).toBe(false);
      expect(isEventName(name)).toBe(false);
    }
  });

  it('come out of the generator in the order and spelling of the tables', () => {
    const source = `import { z } from 'zod';
export const methods = { 'a.one': { input: z.object({}), output: z.object({}) }, 'b.two': {} } as const;
export const events = { 'x.happened': z.object({}) } as const;`;
    const text = renderApiNames(source);
    expect(text).toContain("export const METHOD_NAMES = [\n  'a.one',\n  'b.two',\n] as const;");
    expect(text).toContain("export const EVENT_NAMES = [\n  'x.happened',\n] as const;");
    expect(() => renderApiNames('export const methods = { ...other } as const;')).toThrow(/plain 'name': value entry/);
  });
});
