/**
 * The API key store of the Electron app: values encrypted with Electron's safeStorage (Keychain,
 * DPAPI, libsecret/kwallet) in `secrets.safe.json` in the data dir. The engine's SecretStore is
 * synchronous, so values are decrypted once at startup (open()) and kept in memory; writes update
 * memory at once and are encrypted and written behind (flush() awaits them).
 *
 * Electron is injected (SafeStorageLike), so this file has no `electron` import and is unit-tested.
 * On Linux without a recognised keyring, safeStorage's backend is `basic_text`: values are only
 * obfuscated with a fixed password. That is reported plainly as the store's warning.
 */
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SecretStore } from '../engine/settings';

export interface SafeStorageLike {
  isAsyncEncryptionAvailable(): Promise<boolean>;
  encryptStringAsync(plainText: string): Promise<Buffer>;
  decryptStringAsync(encrypted: Buffer): Promise<{ result: string; shouldReEncrypt: boolean }>;
  /** Linux only */
  getSelectedStorageBackend?(): string;
}

export const SECRETS_FILE = 'secrets.safe.json';

export function backendName(platform: NodeJS.Platform, safeStorage: SafeStorageLike, available: boolean): string {
  if (!available) return 'memory';
  if (platform === 'darwin') return 'keychain';
  if (platform === 'win32') return 'dpapi';
  try {
    return safeStorage.getSelectedStorageBackend?.() ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

export function backendWarning(backend: string, file: string): string | null {
  switch (backend) {
    case 'keychain':
    case 'dpapi':
    case 'gnome_libsecret':
    case 'kwallet':
    case 'kwallet5':
    case 'kwallet6':
      return null;
    case 'basic_text':
      return (
        `No desktop keyring was found (Electron's storage backend is "basic_text"), so the API key in ${file} ` +
        'is only obfuscated with a built-in password, not really encrypted: anyone who can read your files can recover it. ' +
        'Install and unlock a keyring (GNOME Keyring / KWallet), or start the app with the key in an environment variable.'
      );
    case 'memory':
      return 'This system offers no encryption for secrets, so the API key is kept in memory only and is forgotten when the app quits.';
    default:
      return `The API key is encrypted with Electron's "${backend}" storage backend, whose strength is unknown.`;
  }
}

export class SafeStorageSecretStore implements SecretStore {
  readonly backend: string;
  readonly warning: string | null;
  private readonly values = new Map<string, string>();
  private writing: Promise<void> = Promise.resolve();
  private lastWriteError: Error | null = null;

  private constructor(
    private readonly file: string,
    private readonly safeStorage: SafeStorageLike,
    private readonly persistent: boolean,
    backend: string,
    private readonly log: (message: string, error?: unknown) => void,
  ) {
    this.backend = backend;
    this.warning = backendWarning(backend, file);
  }

  /** Reads and decrypts the stored values. Undecryptable entries are dropped (and reported). */
  static async open(
    dataDir: string,
    safeStorage: SafeStorageLike,
    options: { platform?: NodeJS.Platform; log?: (message: string, error?: unknown) => void } = {},
  ): Promise<SafeStorageSecretStore> {
    const log = options.log ?? ((m: string, e?: unknown) => console.warn(m, e ?? ''));
    const file = join(dataDir, SECRETS_FILE);
    let available = false;
    try {
      available = await safeStorage.isAsyncEncryptionAvailable();
    } catch (e) {
      log('[secrets] safeStorage is not available', e);
    }
    const store = new SafeStorageSecretStore(file, safeStorage, available, backendName(options.platform ?? process.platform, safeStorage, available), log);
    if (!available || !existsSync(file)) return store;
    let stored: Record<string, unknown> = {};
    try {
      stored = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
    } catch (e) {
      log(`[secrets] ${file} is not readable JSON; starting without stored secrets`, e);
      return store;
    }
    let reencrypt = false;
    for (const [name, value] of Object.entries(stored)) {
      if (typeof value !== 'string') continue;
      try {
        const { result, shouldReEncrypt } = await safeStorage.decryptStringAsync(Buffer.from(value, 'base64'));
        store.values.set(name, result);
        reencrypt ||= shouldReEncrypt;
      } catch (e) {
        log(`[secrets] could not decrypt "${name}" (was it written by another user or machine?); it has to be entered again`, e);
      }
    }
    if (reencrypt) store.scheduleWrite();
    return store;
  }

  get(name: string): string | null {
    return this.values.get(name) ?? null;
  }

  set(name: string, value: string | null): void {
    if (value === null) this.values.delete(name);
    else this.values.set(name, value);
    this.scheduleWrite();
  }

  /** Resolves when every pending write has reached the disk; rejects with the last write error. */
  async flush(): Promise<void> {
    await this.writing;
    if (this.lastWriteError) throw this.lastWriteError;
  }

  private scheduleWrite(): void {
    if (!this.persistent) return;
    const snapshot = new Map(this.values);
    this.writing = this.writing.then(async () => {
      try {
        const out: Record<string, string> = {};
        for (const [name, value] of snapshot) out[name] = (await this.safeStorage.encryptStringAsync(value)).toString('base64');
        const tmp = `${this.file}.tmp`;
        writeFileSync(tmp, JSON.stringify(out), { mode: 0o600 });
        renameSync(tmp, this.file);
        this.lastWriteError = null;
      } catch (e) {
        this.lastWriteError = e as Error;
        this.log(`[secrets] could not save ${this.file}`, e);
      }
    });
  }
}
