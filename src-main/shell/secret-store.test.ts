import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SafeStorageSecretStore, SECRETS_FILE, type SafeStorageLike } from './secret-store';

/** A reversible fake "encryption" so the test can see that nothing is written in plain text. */
function fakeSafeStorage(options: { available?: boolean; backend?: string; failDecrypt?: boolean; reencrypt?: boolean } = {}): SafeStorageLike & { encrypts: number } {
  const fake = {
    encrypts: 0,
    isAsyncEncryptionAvailable: async () => options.available ?? true,
    encryptStringAsync: async (s: string) => {
      fake.encrypts++;
      return Buffer.from('enc:' + Buffer.from(s).toString('hex'));
    },
    decryptStringAsync: async (b: Buffer) => {
      if (options.failDecrypt) throw new Error('Error while decrypting the ciphertext provided to safeStorage.decryptString.');
      const t = b.toString();
      if (!t.startsWith('enc:')) throw new Error('bad ciphertext');
      return { result: Buffer.from(t.slice(4), 'hex').toString(), shouldReEncrypt: options.reencrypt ?? false };
    },
    getSelectedStorageBackend: () => options.backend ?? 'gnome_libsecret',
  };
  return fake;
}

let dir: string;
const quiet = () => {};
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'secrets-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('SafeStorageSecretStore', () => {
  it('stores values encrypted, 0600, and reads them back after a restart', async () => {
    const ss = fakeSafeStorage();
    const store = await SafeStorageSecretStore.open(dir, ss, { platform: 'linux', log: quiet });
    expect(store.get('llm.apiKey')).toBeNull();
    store.set('llm.apiKey', 'sk-secret-123');
    expect(store.get('llm.apiKey')).toBe('sk-secret-123');
    await store.flush();
    const raw = readFileSync(join(dir, SECRETS_FILE), 'utf8');
    expect(raw).not.toContain('sk-secret-123');
    expect(statSync(join(dir, SECRETS_FILE)).mode & 0o777).toBe(0o600);
    const again = await SafeStorageSecretStore.open(dir, ss, { platform: 'linux', log: quiet });
    expect(again.get('llm.apiKey')).toBe('sk-secret-123');
    again.set('llm.apiKey', null);
    await again.flush();
    expect((await SafeStorageSecretStore.open(dir, ss, { platform: 'linux', log: quiet })).get('llm.apiKey')).toBeNull();
  });
  it('reports a real keyring without a warning', async () => {
    const store = await SafeStorageSecretStore.open(dir, fakeSafeStorage(), { platform: 'linux', log: quiet });
    expect(store.backend).toBe('gnome_libsecret');
    expect(store.warning).toBeNull();
    expect((await SafeStorageSecretStore.open(dir, fakeSafeStorage(), { platform: 'darwin', log: quiet })).backend).toBe('keychain');
  });
  it('says plainly that basic_text is not real encryption', async () => {
    const store = await SafeStorageSecretStore.open(dir, fakeSafeStorage({ backend: 'basic_text' }), { platform: 'linux', log: quiet });
    expect(store.backend).toBe('basic_text');
    expect(store.warning).toMatch(/not really encrypted/);
    expect(store.warning).toContain(join(dir, SECRETS_FILE));
  });
  it('keeps values in memory only when no encryption is available', async () => {
    const store = await SafeStorageSecretStore.open(dir, fakeSafeStorage({ available: false }), { platform: 'linux', log: quiet });
    expect(store.backend).toBe('memory');
    expect(store.warning).toMatch(/memory only/);
    store.set('llm.apiKey', 'sk-x');
    await store.flush();
    expect(store.get('llm.apiKey')).toBe('sk-x');
    expect(() => statSync(join(dir, SECRETS_FILE))).toThrow();
  });
  it('drops values it cannot decrypt instead of failing to start', async () => {
    writeFileSync(join(dir, SECRETS_FILE), JSON.stringify({ 'llm.apiKey': Buffer.from('xx').toString('base64') }));
    const store = await SafeStorageSecretStore.open(dir, fakeSafeStorage({ failDecrypt: true }), { platform: 'linux', log: quiet });
    expect(store.get('llm.apiKey')).toBeNull();
  });
  it('survives a garbage file', async () => {
    writeFileSync(join(dir, SECRETS_FILE), '{garbage');
    const store = await SafeStorageSecretStore.open(dir, fakeSafeStorage(), { platform: 'linux', log: quiet });
    expect(store.get('llm.apiKey')).toBeNull();
  });
  it('re-encrypts when safeStorage asks for it', async () => {
    const first = fakeSafeStorage();
    const s1 = await SafeStorageSecretStore.open(dir, first, { platform: 'linux', log: quiet });
    s1.set('k', 'v');
    await s1.flush();
    const second = fakeSafeStorage({ reencrypt: true });
    const s2 = await SafeStorageSecretStore.open(dir, second, { platform: 'linux', log: quiet });
    await s2.flush();
    expect(second.encrypts).toBe(1);
    expect(s2.get('k')).toBe('v');
  });
});
