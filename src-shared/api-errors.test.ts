import { describe, expect, it } from 'vitest';
import { ApiError, decodeError, encodeError, ERROR_CODES, HTTP_STATUS, unknownMethodError } from './api-errors';

describe('the error codec', () => {
  it('gives every code its own HTTP status (405 is not a bad input)', () => {
    expect(Object.keys(HTTP_STATUS).sort()).toEqual([...ERROR_CODES].sort());
    expect(new Set(Object.values(HTTP_STATUS)).size).toBe(ERROR_CODES.length);
    expect(HTTP_STATUS.METHOD_NOT_ALLOWED).toBe(405);
  });

  it('round-trips an ApiError through the body, code, message and issues intact', () => {
    const error = new ApiError('BAD_INPUT', 'Invalid input for runner.setPaused', [{ path: ['paused'], message: 'expected boolean' }]);
    const body = encodeError(error);
    expect(body).toEqual({ error: { code: 'BAD_INPUT', message: 'Invalid input for runner.setPaused', issues: [{ path: ['paused'], message: 'expected boolean' }] } });
    const decoded = decodeError(JSON.parse(JSON.stringify(body)));
    expect(decoded).toBeInstanceOf(ApiError);
    expect(decoded.toBody()).toEqual(body);
  });

  it('encodes unexpected errors as INTERNAL with their first line, never the stack', () => {
    const body = encodeError(new TypeError('cannot read x of undefined\n    at secret (/home/me/app.js:1:1)'), 'runner.status');
    expect(body).toEqual({ error: { code: 'INTERNAL', message: 'Unexpected error in runner.status: cannot read x of undefined' } });
    expect(encodeError(42)).toEqual({ error: { code: 'INTERNAL', message: 'Unexpected error.' } });
    // an object with an unknown code is not trusted as an api error
    expect(encodeError({ code: 'WHATEVER', message: 'x' }).error.code).toBe('INTERNAL');
  });

  it('decodes every shape a transport hands over', () => {
    const same = { code: 'CONFLICT', message: 'Already decided.' };
    expect(decodeError({ error: same }).toBody().error).toEqual(same); // HTTP body
    expect(decodeError({ ok: false, error: same }).toBody().error).toEqual(same); // IPC envelope
    expect(decodeError({ name: 'ApiError', ...same }).toBody().error).toEqual(same); // what the preload rejects with
    const original = new ApiError('NOT_FOUND', 'No such proposal.');
    expect(decodeError(original)).toBe(original);
  });

  it('keeps the words of errors it cannot classify, and says so when there are none', () => {
    expect(decodeError(new Error("Error invoking remote method 'companion:x': Error: disk full")).toBody()).toEqual({ error: { code: 'INTERNAL', message: 'disk full' } });
    expect(decodeError({ error: { code: 'NOPE', message: 'odd' } }).toBody()).toEqual({ error: { code: 'INTERNAL', message: 'odd' } });
    expect(decodeError(null).code).toBe('INTERNAL');
    expect(decodeError('<html>bad gateway</html>', new ApiError('INTERNAL', 'The host answered 502 Bad Gateway')).message).toBe('The host answered 502 Bad Gateway');
  });

  it('names unknown methods the same way everywhere, cut to a sane length', () => {
    expect(unknownMethodError('fs.readFile').toBody()).toEqual({ error: { code: 'NOT_FOUND', message: 'Unknown api method "fs.readFile".' } });
    expect(unknownMethodError('x'.repeat(1000)).message.length).toBeLessThan(230);
  });
});
