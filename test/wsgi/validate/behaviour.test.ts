import { describe, expect, it } from 'vitest';
import type { Application, Bytes, Header, StartResponse } from '../../../grader/wsgi/types.ts';
import { validate } from '../../../grader/wsgi/validate/index.ts';
import { TEXT, encode, makeEnviron } from './harness.ts';

const recorder = (): { startResponse: StartResponse; calls: Array<[string, Header[]]> } => {
  const calls: Array<[string, Header[]]> = [];
  return { calls, startResponse: (status, headers) => (calls.push([status, headers]), () => {}) };
};

describe('validate: the wrapper keeps the application\'s behaviour', () => {
  it('looks like an application: two parameters, a telling name', () => {
    function application(): Bytes[] {
      return [];
    }
    const validated = validate(application);
    expect(validated.length).toBe(2);
    expect(validated.name).toBe('validate(application)');
  });

  it('does not consume a generator before the server iterates', () => {
    const log: string[] = [];
    const app: Application = function* (_e, startResponse) {
      log.push('started');
      startResponse('200 OK', TEXT);
      yield encode('a');
      log.push('after a');
      yield encode('b');
    };
    const { startResponse, calls } = recorder();
    const body = validate(app)(makeEnviron().environ, startResponse);
    expect(log).toEqual([]);
    expect(calls).toEqual([]);
    const iterator = body[Symbol.iterator]();
    expect(iterator.next().value).toEqual(encode('a'));
    expect(log).toEqual(['started']);
    expect(calls).toEqual([['200 OK', TEXT]]);
    expect(iterator.next().value).toEqual(encode('b'));
    expect(iterator.next().done).toBe(true);
    body.close?.();
  });

  it('asks a custom iterable for its iterator only when the server starts iterating', () => {
    let asked = 0;
    const app: Application = (_e, startResponse) => ({
      [Symbol.iterator]() {
        asked += 1;
        startResponse('200 OK', TEXT);
        return [encode('x')][Symbol.iterator]();
      },
    });
    const { startResponse } = recorder();
    const body = validate(app)(makeEnviron().environ, startResponse);
    expect(asked).toBe(0);
    expect([...body]).toEqual([encode('x')]);
    expect(asked).toBe(1);
    body.close?.();
  });

  it('forwards close() to the application\'s iterable, once per call', () => {
    let closes = 0;
    const app: Application = (_e, startResponse) => {
      startResponse('200 OK', TEXT);
      return { *[Symbol.iterator]() { yield encode('x'); }, close: () => void (closes += 1) };
    };
    const body = validate(app)(makeEnviron().environ, recorder().startResponse);
    [...body];
    body.close?.();
    expect(closes).toBe(1);
  });

  it('gives an iterable without close() a harmless close()', () => {
    const app: Application = (_e, startResponse) => {
      startResponse('200 OK', TEXT);
      return new Set([encode('x')]);
    };
    const body = validate(app)(makeEnviron().environ, recorder().startResponse);
    expect([...body]).toEqual([encode('x')]);
    expect(() => body.close?.()).not.toThrow();
  });

  it('forwards return() so a generator\'s finally block runs when the server stops early', () => {
    let cleaned = false;
    const app: Application = function* (_e, startResponse) {
      startResponse('200 OK', TEXT);
      try {
        yield encode('a');
        yield encode('b');
      } finally {
        cleaned = true;
      }
    };
    const body = validate(app)(makeEnviron().environ, recorder().startResponse);
    for (const _chunk of body) break;
    expect(cleaned).toBe(true);
    body.close?.();
  });

  it('keeps an array an array: Array.isArray and length, for a server computing Content-Length', () => {
    const chunk = encode('hello');
    const app: Application = (_e, startResponse) => {
      startResponse('200 OK', TEXT);
      return [chunk];
    };
    const body = validate(app)(makeEnviron().environ, recorder().startResponse);
    expect(Array.isArray(body)).toBe(true);
    expect((body as Bytes[]).length).toBe(1);
    expect('close' in body).toBe(true);
    expect([...body]).toEqual([chunk]);
    body.close?.();
  });

  it('hands the application a copy of environ with the same keys and values', () => {
    const { environ } = makeEnviron({ environ: { HTTP_ACCEPT: 'application/json', 'simple.connection_id': 7 } });
    const seen: Record<string, unknown> = {};
    const app: Application = (e, startResponse) => {
      for (const key of Object.keys(e)) seen[key] = e[key];
      startResponse('204 No Content', []);
      return [];
    };
    validate(app)(environ, recorder().startResponse).close?.();
    expect(Object.keys(seen).sort()).toEqual(Object.keys(environ).sort());
    expect(seen.HTTP_ACCEPT).toBe('application/json');
    expect(seen['simple.connection_id']).toBe(7);
  });

  it('passes the server\'s start_response the same arguments (headers array included)', () => {
    const headers: Header[] = [['Content-Type', 'text/plain']];
    const received: unknown[][] = [];
    const app: Application = (_e, startResponse) => {
      startResponse('200 OK', headers);
      return [];
    };
    const body = validate(app)(makeEnviron().environ, (...args: unknown[]) => (received.push(args), () => {}));
    body.close?.();
    expect(received).toHaveLength(1);
    expect(received[0]?.[1]).toBe(headers);
    expect(received[0]).toHaveLength(2);
  });

  it('lets application errors through unchanged', () => {
    const boom = new TypeError('boom');
    const app: Application = () => {
      throw boom;
    };
    expect(() => validate(app)(makeEnviron().environ, recorder().startResponse)).toThrow(boom);
  });
});
