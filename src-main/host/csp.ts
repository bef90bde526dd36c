/**
 * The renderer's Content-Security-Policy, one string for every delivery: the headless host sends it
 * as a header, the Electron shell adds it as a header to the window's documents (where Electron
 * delivers webRequest events for file:// — versions differ), and the build writes it into the
 * <meta> tag of out/renderer/index.html (electron.vite.config.ts), which works everywhere. Scripts only from the app itself: no inline scripts, no
 * eval; workers likewise. Inline *styles* stay allowed because React's `style` props need them.
 */
export const RENDERER_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  // The replica hydrates in a Web Worker (src-renderer/db/hydrate.worker.ts), a script of the app's own.
  "worker-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "font-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

/** Directive name -> sources, as the browser reads a policy (first occurrence wins). */
export function parseCsp(policy: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const part of policy.split(';')) {
    const [name, ...sources] = part.trim().split(/\s+/);
    if (!name) continue;
    const key = name.toLowerCase();
    if (!out.has(key)) out.set(key, sources);
  }
  return out;
}

/**
 * The sources that govern scripts: script-src, else default-src. A policy without either allows
 * any script, which is reported as `['*']`.
 */
export function scriptSources(policy: string): string[] {
  const parsed = parseCsp(policy);
  return parsed.get('script-src') ?? parsed.get('default-src') ?? ['*'];
}

/** Whether a policy lets inline scripts or eval run (what a CSP is mostly for). */
export function allowsUnsafeScripts(policy: string): boolean {
  const sources = scriptSources(policy).map((s) => s.toLowerCase());
  return sources.some((s) => s === "'unsafe-inline'" || s === "'unsafe-eval'" || s === '*' || s === 'data:' || s === 'http:' || s === 'https:');
}

/** The CSP of an HTML document's <meta http-equiv="Content-Security-Policy">, or null. */
export function metaCsp(html: string): string | null {
  for (const tag of html.match(/<meta\b[^>]*>/gis) ?? []) {
    if (!/http-equiv\s*=\s*["']content-security-policy["']/i.test(tag)) continue;
    const content = /content\s*=\s*"([^"]*)"|content\s*=\s*'([^']*)'/i.exec(tag);
    if (content) return (content[1] ?? content[2] ?? '').replace(/\s+/g, ' ').trim();
  }
  return null;
}

/** Directives a <meta> policy may not carry (browsers ignore them there and warn in the console). */
const HEADER_ONLY_DIRECTIVES = new Set(['frame-ancestors', 'report-uri', 'sandbox']);

export function metaPolicy(policy: string): string {
  return policy
    .split(';')
    .map((d) => d.trim())
    .filter((d) => d && !HEADER_ONLY_DIRECTIVES.has(d.split(/\s+/)[0]!.toLowerCase()))
    .join('; ');
}

/**
 * The document with its CSP <meta> set to `policy` (replacing the one there, or added as the first
 * element of <head>): the build's single source of the policy is RENDERER_CSP.
 */
export function setMetaCsp(html: string, policy: string): string {
  const tag = `<meta http-equiv="Content-Security-Policy" content="${metaPolicy(policy).replace(/"/g, '&quot;')}" />`;
  const existing = /<meta\b[^>]*http-equiv\s*=\s*["']content-security-policy["'][^>]*>/is;
  if (existing.test(html)) return html.replace(existing, tag);
  if (/<head\b[^>]*>/i.test(html)) return html.replace(/<head\b[^>]*>/i, (head) => `${head}\n    ${tag}`);
  throw new Error('setMetaCsp: the document has no <head>');
}

/** Inline <script> elements (with a body and no src) in an HTML document. */
export function inlineScripts(html: string): string[] {
  return [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/gi)].filter((m) => !/\bsrc\s*=/.test(m[1]!) && m[2]!.trim() !== '').map((m) => m[2]!);
}

/**
 * Electron's `onHeadersReceived`: the response headers of a frame document of the app with our
 * CSP set (any CSP the response had is replaced); other responses are left alone (null).
 */
export function withRendererCsp(
  details: { url: string; resourceType: string; responseHeaders?: Record<string, string[] | string> },
  isAppUrl: (url: string) => boolean,
): Record<string, string[]> | null {
  if (details.resourceType !== 'mainFrame' && details.resourceType !== 'subFrame') return null;
  if (!isAppUrl(details.url)) return null;
  const headers: Record<string, string[]> = {};
  for (const [name, value] of Object.entries(details.responseHeaders ?? {})) {
    if (name.toLowerCase() === 'content-security-policy') continue;
    headers[name] = Array.isArray(value) ? value : [value];
  }
  headers['Content-Security-Policy'] = [RENDERER_CSP];
  return headers;
}
