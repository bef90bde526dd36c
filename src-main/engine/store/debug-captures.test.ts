import { afterEach, describe, expect, it } from 'vitest';
import { tempStore } from '../testing/temp-db';

let cleanup: () => void = () => undefined;
afterEach(() => cleanup());

describe('debug captures', () => {
  it('are stored deflated and read back as they were saved; captures stored as text before still read', () => {
    const t = tempStore();
    cleanup = t.cleanup;
    const prompt = 'You plan the next steps of a mission. '.repeat(400);
    const capture = { attempts: [{ messages: [{ role: 'system', content: prompt }], answer: 'ü — “quoted”' }] };
    t.store.debugCaptures.save('it-1', '2026-11-30T09:00:00.000Z', capture);
    expect(t.store.debugCaptures.get('it-1')).toEqual({ capturedAt: '2026-11-30T09:00:00.000Z', capture });
    const stored = t.db.prepare("SELECT length(capture) AS bytes, typeof(capture) AS type FROM iteration_debug WHERE iteration_id = 'it-1'").get() as { bytes: number; type: string };
    expect(stored.type).toBe('blob');
    expect(stored.bytes * 10).toBeLessThan(JSON.stringify(capture).length);

    t.db.prepare("INSERT INTO iteration_debug (iteration_id, captured_at, capture) VALUES ('it-0', '2026-11-29T09:00:00.000Z', ?)").run(JSON.stringify({ old: true }));
    expect(t.store.debugCaptures.get('it-0')).toEqual({ capturedAt: '2026-11-29T09:00:00.000Z', capture: { old: true } });
    expect(t.store.debugCaptures.get('it-none')).toBeNull();
  });
});
