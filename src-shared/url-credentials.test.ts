import { describe, expect, it } from 'vitest';
import { hasUrlCredentials, redactUrlCredentials, withoutUrlCredentials } from './url-credentials';

describe('credentials in URLs', () => {
  it('are found in a user name, a password or both, never in a text that is no URL', () => {
    expect(hasUrlCredentials('http://user:pass@host/v1')).toBe(true);
    expect(hasUrlCredentials('https://user@host')).toBe(true);
    expect(hasUrlCredentials('http://:pass@host')).toBe(true);
    expect(hasUrlCredentials('http://127.0.0.1:11434/v1')).toBe(false);
    expect(hasUrlCredentials('not a url @ all')).toBe(false);
  });

  it('are cut out of an address, which otherwise stays as written', () => {
    expect(withoutUrlCredentials('http://user:pass@host:8080/v1')).toBe('http://host:8080/v1');
    expect(withoutUrlCredentials('http://user:pass@host')).toBe('http://host');
    expect(withoutUrlCredentials('http://user:pass@host/v1/')).toBe('http://host/v1/');
    expect(withoutUrlCredentials('http://host/v1')).toBe('http://host/v1');
  });

  it('are redacted wherever a URL appears in a text, and nothing else is touched', () => {
    expect(redactUrlCredentials('Cannot reach http://admin:s3cret@10.0.0.5:3128/v1 (ECONNREFUSED); also https://k@x.org')).toBe(
      'Cannot reach http://10.0.0.5:3128/v1 (ECONNREFUSED); also https://x.org',
    );
    expect(redactUrlCredentials('mail me at anna@example.org, see http://example.org/a@b')).toBe('mail me at anna@example.org, see http://example.org/a@b');
  });
});
