/** For tests: the engine's order of ids (SQLite BINARY on UTF-8 text), which chunking must respect. */

/** SQLite BINARY order: UTF-8 bytes. */
export function utf8Compare(a: string, b: string): number {
  const x = new TextEncoder().encode(a);
  const y = new TextEncoder().encode(b);
  for (let i = 0; i < Math.min(x.length, y.length); i++) if (x[i] !== y[i]) return x[i]! - y[i]!;
  return x.length - y.length;
}
