/** The GBNF made from the sent JSON schema (llama.cpp's `grammar` field); a real llama-server parses it in `npm run test:llama`. */
import { describe, expect, it } from 'vitest';
import { CALENDAR_DATE_PATTERN } from '../dates';
import { gbnfLiteral, jsonSchemaToGbnf, regexToGbnf } from './grammar';

describe('regular expressions of the sent schema as GBNF', () => {
  it('dates: groups, alternatives, classes and repetitions', () => {
    expect(regexToGbnf(CALENDAR_DATE_PATTERN.source)).toBe(
      '([0-9]{4} "-" (("0" [13578] | "1" [02]) "-" ("0" [1-9] | [12] [0-9] | "3" [01]) | ("0" [469] | "1" "1") "-" ("0" [1-9] | [12] [0-9] | "3" "0") | "0" "2" "-" ("0" [1-9] | "1" [0-9] | "2" [0-8])) | ' +
        '([0-9]{2} ("0" [48] | [2468] [048] | [13579] [26]) | ([02468] [048] | [13579] [26]) "0" "0") "-" "0" "2" "-" "2" "9")',
    );
  });

  it('escapes: \\. \\xHH \\uHHHH; classes are kept as they are', () => {
    expect(regexToGbnf('^a\\.b(\\.[0-9]{1,3})?$')).toBe('"a" "." "b" ("." [0-9]{1,3})?');
    expect(regexToGbnf('^[^\\x00-\\x20"\\\\\\u00A0][^"]{0,9}$')).toBe('[^\\x00-\\x20"\\\\\\u00A0] [^"]{0,9}');
  });

  it('refuses what it cannot translate instead of guessing', () => {
    expect(() => regexToGbnf('[0-9]+')).toThrow(/not anchored/);
    expect(() => regexToGbnf('^\\d+$')).toThrow(/unsupported escape/);
    expect(() => regexToGbnf('^(?=a)b$')).toThrow(/unsupported group/);
    expect(() => regexToGbnf('^a.b$')).toThrow(/unsupported "\."/);
  });
});

describe('JSON schema as GBNF', () => {
  it('objects: properties in order, optional ones may be left out, commas right', () => {
    const g = jsonSchemaToGbnf({
      type: 'object',
      properties: { a: { type: 'string', maxLength: 3 }, b: { type: 'integer', minimum: 1, maximum: 3 }, c: { type: 'boolean' } },
      required: ['b'],
      additionalProperties: false,
    });
    expect(g).toContain('root-b ::= "1" | "2" | "3"');
    expect(g).toContain('root-a ::= "\\"" char{0,3} "\\""');
    // a leads with a comma only after something was written; b is required
    expect(g).toMatch(/root-from-0 ::= "\\"a\\"" ws ":" ws root-a ws "," ws "\\"b\\"" ws ":" ws root-b ws root-from-2-after \| "\\"b\\"" ws ":" ws root-b ws root-from-2-after/);
    expect(g).toContain('root-from-2-after ::= ("," ws "\\"c\\"" ws ":" ws root-c ws)?');
  });

  it('arrays with bounds, const, enum, anyOf', () => {
    const g = jsonSchemaToGbnf({ anyOf: [{ type: 'array', items: { enum: ['x', 'y'] }, minItems: 1, maxItems: 3 }, { const: 'none' }] });
    expect(g).toContain('root-0 ::= "[" ws root-0-item ws ("," ws root-0-item ws){0,2} "]"');
    expect(g).toContain('root-0-item ::= "\\"x\\"" | "\\"y\\""');
    expect(g).toContain('root-1 ::= "\\"none\\""');
    expect(g).toContain('root ::= root-0 | root-1');
  });

  it('throws on a keyword it does not know, so nothing silently becomes "any JSON"', () => {
    expect(() => jsonSchemaToGbnf({ type: 'object', properties: { a: { type: 'string', format: 'email' } } })).toThrow(/unsupported JSON schema keyword "format"/);
  });

  it('literals are escaped for GBNF', () => {
    expect(gbnfLiteral('say "hi"\\\n')).toBe('"say \\"hi\\"\\\\\\n"');
  });
});
