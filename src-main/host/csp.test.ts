import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { allowsUnsafeScripts, inlineScripts, metaCsp, metaPolicy, parseCsp, RENDERER_CSP, scriptSources, setMetaCsp, withRendererCsp } from './csp';

const root = fileURLToPath(new URL('../../', import.meta.url));

describe('the renderer CSP', () => {
  it('runs only the app’s own scripts and denies plugins, base and frames', () => {
    const csp = parseCsp(RENDERER_CSP);
    expect(csp.get('script-src')).toEqual(["'self'"]);
    expect(csp.get('worker-src')).toEqual(["'self'"]);
    expect(csp.get('object-src')).toEqual(["'none'"]);
    expect(csp.get('base-uri')).toEqual(["'none'"]);
    expect(csp.get('frame-ancestors')).toEqual(["'none'"]);
    expect(allowsUnsafeScripts(RENDERER_CSP)).toBe(false);
  });

  it('detects unsafe script sources, falling back to default-src', () => {
    expect(allowsUnsafeScripts("default-src 'self'; script-src 'self' 'unsafe-inline'")).toBe(true);
    expect(allowsUnsafeScripts("script-src 'self' 'unsafe-eval'")).toBe(true);
    expect(allowsUnsafeScripts("default-src *")).toBe(true);
    expect(allowsUnsafeScripts("style-src 'unsafe-inline'")).toBe(true); // no script-src/default-src: anything goes
    expect(allowsUnsafeScripts("default-src 'self'; style-src 'unsafe-inline'")).toBe(false);
    expect(scriptSources("DEFAULT-SRC 'self'")).toEqual(["'self'"]);
  });

  it('is in src-renderer/index.html as a <meta>, without unsafe scripts, and the page has no inline script', () => {
    const html = readFileSync(`${root}src-renderer/index.html`, 'utf8');
    const meta = metaCsp(html);
    expect(meta).not.toBeNull();
    expect(allowsUnsafeScripts(meta!)).toBe(false);
    expect(inlineScripts(html)).toEqual([]);
  });

  it('is written into the page by the build, replacing or adding the <meta>', () => {
    const source = readFileSync(`${root}src-renderer/index.html`, 'utf8');
    const built = setMetaCsp(source, RENDERER_CSP);
    expect(metaCsp(built)).toBe(metaPolicy(RENDERER_CSP));
    // frame-ancestors only works as a header; in a <meta> browsers ignore it with a warning
    expect(metaPolicy(RENDERER_CSP)).not.toContain('frame-ancestors');
    expect(parseCsp(metaPolicy(RENDERER_CSP)).get('script-src')).toEqual(["'self'"]);
    expect(built.match(/Content-Security-Policy/g)).toHaveLength(1);
    expect(metaCsp(setMetaCsp('<html><head><title>x</title></head></html>', "default-src 'self'"))).toBe("default-src 'self'");
    expect(() => setMetaCsp('<p>no head</p>', 'x')).toThrow(/no <head>/);
  });

  it('finds meta tags and inline scripts in HTML', () => {
    expect(metaCsp(`<meta http-equiv='Content-Security-Policy' content="script-src 'self';\n  img-src data:">`)).toBe("script-src 'self'; img-src data:");
    expect(metaCsp('<meta charset="utf-8">')).toBeNull();
    expect(inlineScripts('<script src="./a.js"></script><script>alert(1)</script><script type="module">\n</script>')).toEqual(['alert(1)']);
  });
});

describe('the CSP header in Electron', () => {
  const isApp = (url: string) => url.startsWith('file:///opt/app/out/renderer/');
  it('is set on the app’s documents, replacing any other', () => {
    expect(
      withRendererCsp(
        { url: 'file:///opt/app/out/renderer/index.html', resourceType: 'mainFrame', responseHeaders: { 'content-security-policy': ['default-src *'], 'X-A': 'b' } },
        isApp,
      ),
    ).toEqual({ 'X-A': ['b'], 'Content-Security-Policy': [RENDERER_CSP] });
  });
  it('leaves other responses alone', () => {
    expect(withRendererCsp({ url: 'file:///opt/app/out/renderer/assets/a.js', resourceType: 'script' }, isApp)).toBeNull();
    expect(withRendererCsp({ url: 'https://example.com/', resourceType: 'mainFrame' }, isApp)).toBeNull();
  });
});
