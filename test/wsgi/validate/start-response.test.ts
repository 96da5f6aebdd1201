import { describe, expect, it } from 'vitest';
import type { Application, Bytes, Header, StartResponse } from '../../../grader/wsgi/types.ts';
import { HOP_BY_HOP_HEADERS, validate } from '../../../grader/wsgi/validate/index.ts';
import { TEXT, answer, encode, expectViolation, makeEnviron, serve } from './harness.ts';

const hi = encode('hi');

describe('validate: start_response() arguments', () => {
  it.each([[['200 OK']], [['200 OK', TEXT, undefined, 'extra']], [[]]])('refuses %j', async (args) => {
    const app: Application = (_e, startResponse) => {
      (startResponse as (...a: unknown[]) => unknown)(...args);
      return [hi];
    };
    await expectViolation(() => serve(validate(app)), 'start-response-args');
  });

  it('hints that the headers are needed even when empty', async () => {
    const app: Application = (_e, startResponse) => {
      (startResponse as (...a: unknown[]) => unknown)('200 OK');
      return [];
    };
    const found = await expectViolation(() => serve(validate(app)), 'start-response-args');
    expect(found.fix).toContain('[]');
  });

  it('refuses a second call without exc_info', async () => {
    const app: Application = (_e, startResponse) => {
      startResponse('200 OK', TEXT);
      startResponse('404 Not Found', TEXT);
      return [hi];
    };
    await expectViolation(() => serve(validate(app)), 'start-response-twice');
  });

  it('refuses a second call without exc_info even when the first one raised', async () => {
    const app: Application = (_e, startResponse) => {
      try {
        startResponse('200', TEXT);
      } catch {
        startResponse('500 Internal Server Error', TEXT);
      }
      return [hi];
    };
    await expectViolation(() => serve(validate(app)), 'start-response-twice');
  });
});

describe('validate: status', () => {
  it('teaches the string form when given a number', async () => {
    const found = await expectViolation(() => serve(validate(answer(404, TEXT, hi))), 'status-format');
    expect(found.fix).toContain('"404 Not Found"');
  });

  it.each(['200', '200OK', 'OK 200', '2000 OK', '099 Low', '100 Continue', '600 Beyond', '200 ', '200  OK', ' 200 OK', '200 OK '])(
    'refuses %j',
    async (status) => {
      await expectViolation(() => serve(validate(answer(status, TEXT, hi))), 'status-format');
    },
  );

  it('refuses a status that is not a string', async () => {
    await expectViolation(() => serve(validate(answer(['200', 'OK'], TEXT, hi))), 'status-format');
  });

  it('refuses control characters, hinting at injection for CR/LF', async () => {
    const found = await expectViolation(() => serve(validate(answer('200 OK\r\n', TEXT, hi))), 'status-control-chars');
    expect(found.fix).toContain('inject');
    await expectViolation(() => serve(validate(answer('200 O\tK', TEXT, hi))), 'status-control-chars');
  });

  it('refuses characters outside ISO-8859-1', async () => {
    await expectViolation(() => serve(validate(answer('200 OK ✓', TEXT, hi))), 'not-latin1');
  });
});

describe('validate: headers', () => {
  it('teaches Object.entries() for an object of headers', async () => {
    const found = await expectViolation(() => serve(validate(answer('200 OK', { 'Content-Type': 'text/plain' }, hi))), 'headers-not-list');
    expect(found.fix).toContain('Object.entries(headers)');
  });

  it('teaches Array.from() for a Map of headers', async () => {
    const found = await expectViolation(() => serve(validate(answer('200 OK', new Map([['Content-Type', 'text/plain']]), hi))), 'headers-not-list');
    expect(found.fix).toContain('Array.from(map)');
  });

  it('refuses headers that are not [string, string] pairs', async () => {
    for (const headers of [[['Content-Type']], [['Content-Type', 'text/plain', 'x']], [[42, 'x']], [{ name: 'a', value: 'b' }]]) {
      await expectViolation(() => serve(validate(answer('200 OK', headers, hi))), 'header-format');
    }
  });

  it('teaches String(n) for a number value and splitting for "Name: value"', async () => {
    const number = await expectViolation(() => serve(validate(answer('200 OK', [...TEXT, ['Content-Length', 2]], hi))), 'header-format');
    expect(number.fix).toContain('String(2)');
    const line = await expectViolation(() => serve(validate(answer('200 OK', ['Content-Type: text/plain'], hi))), 'header-format');
    expect(line.fix).toContain('Content-Type');
  });

  it('refuses a Status header', async () => {
    await expectViolation(() => serve(validate(answer('200 OK', [...TEXT, ['status', '200 OK']], hi))), 'header-name-status');
  });

  it.each(['Content-Type:', 'X Foo', 'X-Foo-', 'X_Foo_', '1st', 'X\nFoo', 'Ünïcode', ''])('refuses the name %j', async (name) => {
    await expectViolation(() => serve(validate(answer('200 OK', [...TEXT, [name, 'v']], hi))), 'header-name-invalid');
  });

  it('refuses control characters in values, and names header injection for CR/LF', async () => {
    const injected = 'x\r\nSet-Cookie: admin=1';
    const found = await expectViolation(() => serve(validate(answer('200 OK', [...TEXT, ['X-Name', injected]], hi))), 'header-value-control-chars');
    expect(found.fix).toContain('header injection');
    for (const value of ['a\x00b', 'tab\there', 'end\n', 'del\x7f']) {
      await expectViolation(() => serve(validate(answer('200 OK', [...TEXT, ['X-Name', value]], hi))), 'header-value-control-chars');
    }
  });

  it('refuses values outside ISO-8859-1 but accepts Latin-1 ones', async () => {
    await expectViolation(() => serve(validate(answer('200 OK', [...TEXT, ['X-Title', 'Ünïcödé ✓']], hi))), 'not-latin1');
    expect(serve(validate(answer('200 OK', [...TEXT, ['X-Title', 'Café']], hi))).body).toBe('hi');
  });

  it.each([...HOP_BY_HOP_HEADERS])('refuses the hop-by-hop header %s', async (name) => {
    const header: Header = [name.replace(/(^|-)\w/g, (c) => c.toUpperCase()), 'x'];
    await expectViolation(() => serve(validate(answer('200 OK', [...TEXT, header], hi))), 'hop-by-hop-header');
  });

  it('requires Content-Type except on 204 and 304, and forbids it there', async () => {
    await expectViolation(() => serve(validate(answer('200 OK', [], hi))), 'content-type-missing');
    await expectViolation(() => serve(validate(answer('404 Not Found', [['Content-Length', '0']]))), 'content-type-missing');
    await expectViolation(() => serve(validate(answer('204 No Content', TEXT))), 'content-type-forbidden');
    await expectViolation(() => serve(validate(answer('304 Not Modified', TEXT))), 'content-type-forbidden');
  });

  it('checks headers again on an exc_info call', async () => {
    const app: Application = (_e, startResponse) => {
      startResponse('200 OK', TEXT);
      startResponse('500 Oops', { 'Content-Type': 'text/plain' } as unknown as Header[], new Error('boom'));
      return [hi];
    };
    await expectViolation(() => serve(validate(app)), 'headers-not-list');
  });
});

describe('validate: exc_info after the headers were sent (server side)', () => {
  it('requires the server to re-raise', async () => {
    const app: Application = function* (_e, startResponse) {
      startResponse('200 OK', TEXT);
      yield hi;
      startResponse('500 Oops', TEXT, new Error('boom'));
      yield encode('error page');
    };
    // A server that forgets the rule: its start_response() returns normally.
    const lenient: StartResponse = () => () => {};
    const body = validate(app)(makeEnviron().environ, lenient);
    const iterator = body[Symbol.iterator]();
    expect(iterator.next().value).toEqual(hi);
    const found = await expectViolation(() => iterator.next(), 'exc-info-not-reraised');
    expect(found.side).toBe('server');
    body.close?.();
  });

  it('lets the server re-raise the application error', () => {
    const boom = new Error('boom');
    const app: Application = function* (_e, startResponse) {
      startResponse('200 OK', TEXT);
      yield hi;
      startResponse('500 Oops', TEXT, boom);
    };
    expect(() => serve(validate(app))).toThrow(boom);
  });

  it('counts a write() as sending the headers', () => {
    const boom = new Error('boom');
    const app: Application = (_e, startResponse) => {
      const write = startResponse('200 OK', TEXT);
      write(hi);
      startResponse('500 Oops', TEXT, boom);
      return [] as Bytes[];
    };
    expect(() => serve(validate(app))).toThrow(boom);
  });
});
