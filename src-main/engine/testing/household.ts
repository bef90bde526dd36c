/**
 * A household's sync server for the tests of one file: a real SQLite file behind a real HTTP
 * server and one account, fresh for each test, and the devices a test starts (signed in to it),
 * closed after the test before the server.
 */
import { afterEach, beforeEach } from 'vitest';
import { type TestServer, sqliteBackend, startTestServer } from '../../server/testing/harness';
import type { SyncStorage } from '../../server/storage';
import { type Device, type DeviceOptions, startDevice } from './sync-devices';

export interface Household {
  readonly server: TestServer;
  /** the server's storage (a test may close the server and serve it again) */
  readonly storage: SyncStorage;
  /** the household account's device token */
  readonly token: string;
  /** a device syncing with the household's server (`options` override), closed after the test */
  device(name: string, options?: Partial<DeviceOptions>): Device;
}

export function householdPerTest(): Household {
  let storage: { storage: SyncStorage; cleanup(): Promise<void> };
  let server: TestServer;
  let token: string;
  const devices: Device[] = [];
  beforeEach(async () => {
    storage = await sqliteBackend().open();
    server = await startTestServer(storage.storage);
    token = await server.account('household');
  });
  afterEach(async () => {
    for (const d of devices.splice(0)) await d.close().catch(() => undefined);
    await server.close().catch(() => undefined); // a test may have closed it already
    await storage.cleanup();
  });
  return {
    get server() {
      return server;
    },
    get storage() {
      return storage.storage;
    },
    get token() {
      return token;
    },
    device(name, options = {}) {
      const d = startDevice({ name, serverUrl: server.url, token, ...options });
      devices.push(d);
      return d;
    },
  };
}
