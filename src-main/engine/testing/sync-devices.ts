/**
 * Test helper: devices that sync. Each device is a real engine on its own temp data dir, its sync
 * client pointed at a real sync server (src-main/server/testing/harness.ts), on the test's clock
 * and timers; its network can be cut (`offline`), made to deliver pages reordered and with
 * duplicates (`faultyDelivery`), and the device can be killed (closed without writing pending
 * records) and started again on the same data dir.
 */
import type { RunnerSettings } from '../../../src-shared/domain/settings';
import { type Engine, createEngine } from '../index';
import { MemorySecretStore } from '../settings';
import type { FetchLike } from '../sync/http';
import { TestClock } from './test-clock';
import { tempDataDir } from './temp-db';

export interface DeviceOptions {
  name: string;
  serverUrl: string;
  token: string;
  /** shared by the devices of a test, or one each (default: a new clock at 2026-11-20T09:00Z) */
  clock?: TestClock;
  /** the scripted LLM's base URL (default: an address where nothing answers) */
  llmUrl?: string;
  runner?: Partial<RunnerSettings>;
  /** reuse a data dir (a restart) */
  dataDir?: string;
  /** random numbers of the sync client's jitter (default 0.5: the middle of each window) */
  random?: () => number;
  /** a random source for faulty deliveries (default: Math.random) */
  faultRandom?: () => number;
  /** start the runner's timer, as the apps do (default false: tests tick by hand) */
  autoStart?: boolean;
}

export interface Device {
  readonly name: string;
  readonly dir: string;
  readonly clock: TestClock;
  engine: Engine;
  /** requests the device's sync client made (after its network let them through) */
  requests: { method: string; url: string }[];
  /** when true, every request of this device fails as a cut network does */
  offline: boolean;
  /** when true, answers reach this device with their changes reordered and some twice */
  faultyDelivery: boolean;
  /** A hard stop: runner and sync stopped, the database closed WITHOUT writing pending records. */
  kill(): Promise<void>;
  /** Starts the engine again on the same data dir (after kill or close). */
  restart(): Promise<void>;
  close(): Promise<void>;
}

export function startDevice(options: DeviceOptions): Device {
  const tmp = options.dataDir ? { dir: options.dataDir, cleanup: () => undefined } : tempDataDir(`device-${options.name}-`);
  const clock = options.clock ?? new TestClock('2026-11-20T09:00:00.000Z');
  const faultRandom = options.faultRandom ?? Math.random;
  const secrets = new MemorySecretStore();
  const device: Device = {
    name: options.name,
    dir: tmp.dir,
    clock,
    engine: null as unknown as Engine,
    requests: [],
    offline: false,
    faultyDelivery: false,
    async kill() {
      await device.engine.close({ settle: false });
    },
    async restart() {
      device.engine = open();
    },
    async close() {
      await device.engine.close();
      tmp.cleanup();
    },
  };
  const fetchThroughNetwork: FetchLike = async (input, init) => {
    if (device.offline) throw Object.assign(new TypeError('fetch failed'), { cause: { code: 'ECONNREFUSED', message: 'connect ECONNREFUSED' } });
    const url = typeof input === 'string' ? input : input instanceof URL ? input.toString() : input.url;
    device.requests.push({ method: init?.method ?? 'GET', url });
    const res = await fetch(input, init);
    if (!device.faultyDelivery || !res.ok || !(res.headers.get('content-type') ?? '').includes('application/json')) return res;
    const body = (await res.json()) as { serverChanges?: unknown[] };
    if (Array.isArray(body.serverChanges)) body.serverChanges = reorderWithDuplicates(body.serverChanges, faultRandom);
    return new Response(JSON.stringify(body), { status: res.status, headers: res.headers });
  };
  const open = () =>
    createEngine({
      dataDir: tmp.dir,
      secrets,
      overrides: {
        llm: { baseUrl: options.llmUrl ?? 'http://127.0.0.1:9/v1', model: 'test-model', plannerMode: 'json', timeoutMs: 5_000 },
        runner: { timeZone: 'Europe/Berlin', ...options.runner },
        sync: { serverUrl: options.serverUrl, deviceName: options.name },
        syncToken: options.token,
      },
      llmDeps: { random: () => 0.001, sleep: async () => undefined },
      syncDeps: { random: options.random ?? (() => 0.5), fetch: fetchThroughNetwork },
      now: () => clock.date(),
      timers: clock,
      autoStart: options.autoStart ?? false,
    });
  device.engine = open();
  return device;
}

/** The same changes in another order, some of them twice: what a faulty network or relay delivers. */
function reorderWithDuplicates<T>(items: T[], random: () => number): T[] {
  const out = [...items];
  for (const item of items) if (random() < 0.2) out.push(item);
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}
