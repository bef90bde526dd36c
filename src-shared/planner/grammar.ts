/**
 * A GBNF grammar (llama.cpp's `grammar` request field) from the JSON schema sent to the model, for
 * servers that refuse `response_format` and `json_schema` but take a raw grammar. It reads only the
 * subset of JSON Schema that sentJsonSchema emits (objects, const/enum, strings with a pattern or
 * length bounds, integers, numbers, arrays, anyOf/oneOf) and throws on anything else, so a new kind
 * of parameter cannot silently become "any JSON". Where it cannot be exact it stays NARROWER than
 * the schema (numbers without exponents, bounded whitespace), never wider, except integer ranges
 * too large to spell out, which are bounded by digit count (the validator still checks them).
 */

type Schema = Record<string, unknown>;

const KNOWN = new Set([
  'type', 'properties', 'required', 'additionalProperties', 'description', 'const', 'enum', 'pattern',
  'minLength', 'maxLength', 'minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum', 'items',
  'minItems', 'maxItems', 'anyOf', 'oneOf', 'not',
]);
/** Integer ranges up to this size are spelled out exactly. */
const MAX_SPELLED_RANGE = 1000;

/** A GBNF string literal for `text` (already the exact characters to produce). */
export function gbnfLiteral(text: string): string {
  return `"${text.replace(/[\\"]/g, (c) => `\\${c}`).replace(/\n/g, '\\n').replace(/\r/g, '\\r').replace(/\t/g, '\\t')}"`;
}

export function jsonSchemaToGbnf(schema: Schema): string {
  const rules = new Map<string, string>([
    ['ws', '[ \\t\\n]{0,8}'],
    ['char', '[^"\\\\\\x7F\\x00-\\x1F] | "\\\\" (["\\\\/bfnrt] | "u" [0-9a-fA-F]{4})'],
  ]);
  const add = (base: string, body: string): string => {
    const clean = base.replace(/[^a-zA-Z0-9-]+/g, '-').replace(/^-+|-+$/g, '') || 'r';
    let name = clean;
    for (let n = 2; rules.has(name) && rules.get(name) !== body; n++) name = `${clean}-${n}`;
    rules.set(name, body);
    return name;
  };

  const visit = (s: Schema, name: string): string => {
    for (const key of Object.keys(s)) if (!KNOWN.has(key)) throw new Error(`grammar: unsupported JSON schema keyword "${key}" at ${name}`);
    const alternatives = (s.anyOf ?? s.oneOf) as Schema[] | undefined;
    if (alternatives) return add(name, alternatives.map((a, i) => visit(a, `${name}-${i}`)).join(' | '));
    if ('const' in s) return add(name, gbnfLiteral(JSON.stringify(s.const)));
    if (Array.isArray(s.enum)) return add(name, s.enum.map((v) => gbnfLiteral(JSON.stringify(v))).join(' | '));
    switch (s.type) {
      case 'object':
        return add(name, objectRule(s, name));
      case 'array':
        return add(name, arrayRule(s, name));
      case 'string':
        if (typeof s.pattern === 'string') return add(name, `"\\"" (${regexToGbnf(s.pattern)}) "\\""`);
        return add(name, `"\\"" ${repeat('char', Number(s.minLength ?? 0), s.maxLength === undefined ? null : Number(s.maxLength))} "\\""`);
      case 'integer':
        return add(name, integerRule(s));
      case 'number':
        return add(name, '"-"? ([0-9] | [1-9] [0-9]{0,14}) ("." [0-9]{1,6})?');
      case 'boolean':
        return add(name, '"true" | "false"');
      case 'null':
        return add(name, '"null"');
      default:
        throw new Error(`grammar: unsupported schema at ${name}: ${JSON.stringify(s).slice(0, 120)}`);
    }
  };

  /** Properties in declared order; optional ones may be left out (commas handled by one rule per position). */
  const objectRule = (s: Schema, name: string): string => {
    const props = Object.entries((s.properties ?? {}) as Record<string, Schema>);
    const required = new Set((s.required ?? []) as string[]);
    const kv = props.map(([key, value]) => `${gbnfLiteral(JSON.stringify(key))} ws ":" ws ${visit(value, `${name}-${key}`)}`);
    // rest(i, started): the properties from i on, after `started` ones were written (so a comma leads)
    const memo = new Map<string, string>();
    const rest = (i: number, started: boolean): string => {
      if (i === props.length) return '';
      const key = `${i}${started}`;
      if (!memo.has(key)) memo.set(key, restUncached(i, started));
      return memo.get(key)!;
    };
    const restUncached = (i: number, started: boolean): string => {
      const lead = started ? '"," ws ' : '';
      const written = `${lead}${kv[i]} ws ${rest(i + 1, true)}`.trim();
      if (required.has(props[i]![0])) return written;
      const skipped = rest(i + 1, started);
      return add(`${name}-from-${i}${started ? '-after' : ''}`, skipped ? `${written} | ${skipped}` : `(${written})?`);
    };
    const body = rest(0, false);
    return `"{" ws ${body ? `(${body}) ` : ''}"}"`;
  };

  const arrayRule = (s: Schema, name: string): string => {
    const max = s.maxItems === undefined ? null : Number(s.maxItems);
    if (max === 0) return '"[" ws "]"';
    const item = visit(s.items as Schema, `${name}-item`);
    const min = Number(s.minItems ?? 0);
    const more = repeat(`("," ws ${item} ws)`, Math.max(0, min - 1), max === null ? null : max - 1);
    const items = `${item} ws ${more}`;
    return `"[" ws ${min > 0 ? items : `(${items})?`} "]"`;
  };

  const root = visit(schema, 'root');
  if (root !== 'root') rules.set('root', root);
  return [...rules].map(([name, body]) => `${name} ::= ${body}`).join('\n') + '\n';
}

function repeat(item: string, min: number, max: number | null): string {
  if (max === null) return min === 0 ? `${item}*` : `${item}{${min},}`;
  if (max === 0) return '';
  return min === max ? `${item}{${min}}` : `${item}{${min},${max}}`;
}

function integerRule(s: Schema): string {
  const min = typeof s.minimum === 'number' ? s.minimum : typeof s.exclusiveMinimum === 'number' ? s.exclusiveMinimum + 1 : null;
  const max = typeof s.maximum === 'number' ? s.maximum : typeof s.exclusiveMaximum === 'number' ? s.exclusiveMaximum - 1 : null;
  if (min !== null && max !== null && max - min <= MAX_SPELLED_RANGE) {
    const values: string[] = [];
    for (let v = Math.ceil(min); v <= max; v++) values.push(gbnfLiteral(String(v)));
    return values.join(' | ');
  }
  const digits = Math.max(1, String(Math.trunc(Math.max(Math.abs(min ?? 1e15), Math.abs(max ?? 1e15)))).length);
  const sign = min !== null && min >= 0 ? '' : '"-"? ';
  return `${sign}([0-9] | [1-9] [0-9]{0,${digits - 1}})`;
}

/**
 * The GBNF for an anchored regular expression of the subset params.ts writes: literals and
 * escapes (\\. \\xHH \\uHHHH), character classes, groups (capturing or ?:), alternation and the
 * quantifiers ? * + {m} {m,n}. Anything else throws. The characters produced go straight into a
 * JSON string, so patterns must not allow a quote, a backslash or a control character.
 */
export function regexToGbnf(pattern: string): string {
  if (!pattern.startsWith('^') || !pattern.endsWith('$')) throw new Error(`grammar: pattern ${pattern} is not anchored`);
  const src = pattern.slice(1, -1);
  let i = 0;
  const sequence = (): string => {
    const alternatives: string[][] = [[]];
    while (i < src.length) {
      const c = src[i]!;
      if (c === ')') break;
      if (c === '|') {
        alternatives.push([]);
        i++;
        continue;
      }
      const current = alternatives.at(-1)!;
      if ('?*+'.includes(c)) {
        current.push(`${current.pop()}${c}`);
        i++;
      } else if (c === '{') {
        const end = src.indexOf('}', i);
        if (end < 0 || !/^\{\d+(,\d*)?\}$/.test(src.slice(i, end + 1))) throw new Error(`grammar: bad quantifier in ${pattern}`);
        current.push(`${current.pop()}${src.slice(i, end + 1)}`);
        i = end + 1;
      } else if (c === '(') {
        i += src.startsWith('(?:', i) ? 3 : 1;
        if (src[i] === '?') throw new Error(`grammar: unsupported group in ${pattern}`);
        const inner = sequence();
        if (src[i] !== ')') throw new Error(`grammar: unbalanced group in ${pattern}`);
        i++;
        current.push(`(${inner})`);
      } else if (c === '[') {
        const end = classEnd(src, i);
        current.push(src.slice(i, end + 1));
        i = end + 1;
      } else if (c === '\\') {
        const [literal, length] = escape(src, i, pattern);
        current.push(literal);
        i += length;
      } else if ('^$.'.includes(c)) {
        throw new Error(`grammar: unsupported "${c}" inside ${pattern}`);
      } else {
        current.push(gbnfLiteral(c));
        i++;
      }
    }
    return alternatives.map((a) => a.join(' ')).join(' | ');
  };
  const result = sequence();
  if (i !== src.length) throw new Error(`grammar: unbalanced ")" in ${pattern}`);
  return result;
}

function classEnd(src: string, start: number): number {
  for (let i = start + 1; i < src.length; i++) {
    if (src[i] === '\\') i++;
    else if (src[i] === ']') return i;
  }
  throw new Error(`grammar: unterminated class in ${src}`);
}

function escape(src: string, i: number, pattern: string): [string, number] {
  const next = src[i + 1];
  if (next === 'x' && /^[0-9a-fA-F]{2}$/.test(src.slice(i + 2, i + 4))) return [`"${src.slice(i, i + 4)}"`, 4];
  if (next === 'u' && /^[0-9a-fA-F]{4}$/.test(src.slice(i + 2, i + 6))) return [`"${src.slice(i, i + 6)}"`, 6];
  if (next !== undefined && '.^$|?*+()[]{}-/'.includes(next)) return [gbnfLiteral(next), 2];
  throw new Error(`grammar: unsupported escape \\${next ?? ''} in ${pattern}`);
}
