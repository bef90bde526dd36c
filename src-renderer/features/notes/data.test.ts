import { describe, expect, it } from 'vitest';
import { parseTags } from './data';

describe('parseTags', () => {
  it('splits on commas and spaces, drops # and duplicates', () => {
    expect(parseTags('work, Home , #ideas work')).toEqual(['work', 'Home', 'ideas']);
    expect(parseTags('  ')).toEqual([]);
  });
});
