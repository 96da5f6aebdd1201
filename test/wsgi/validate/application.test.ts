import { describe, expect, it } from 'vitest';
import type { Application, Bytes, Environ, StartResponse } from '../../../grader/wsgi/types.ts';
import { validate } from '../../../grader/wsgi/validate/index.ts';
import { TEXT, encode, expectViolation, makeEnviron, serve } from './harness.ts';

const ok: StartResponse = () => () => {};

describe('validate: how the application is called', () => {
  it('refuses a call with other than two arguments (server side)', async () => {
    const app = validate(() => []);
    const { environ } = makeEnviron();
    const call = app as unknown as (...args: unknown[]) => unknown;
    await expectViolation(() => call(environ), 'app-call-args');
    await expectViolation(() => call(environ, ok, 'extra'), 'app-call-args');
    const found = await expectViolation(() => call(environ, 'not a function'), 'app-call-args');
    expect(found.side).toBe('server');
  });
});

describe('validate: async applications', () => {
  it('refuses an async function without running it', async () => {
    let ran = false;
    const app = async function (_environ: Environ, startResponse: StartResponse) {
      ran = true;
      startResponse('200 OK', TEXT);
      return [encode('hi')];
    };
    const found = await expectViolation(() => serve(validate(app as unknown as Application)), 'async-application');
    expect(found.message).toMatch(/^WSGI apps are synchronous: /);
    expect(ran).toBe(false);
  });

  it('refuses a bound async method', async () => {
    class Api {
      async handle(): Promise<Bytes[]> {
        return [];
      }
    }
    const api = new Api();
    await expectViolation(() => serve(validate(api.handle.bind(api) as unknown as Application)), 'async-application');
  });

  it('refuses an async generator function, with the function* fix', async () => {
    const app = async function* (_environ: Environ, startResponse: StartResponse) {
      startResponse('200 OK', TEXT);
      yield encode('hi');
    };
    const found = await expectViolation(() => serve(validate(app as unknown as Application)), 'async-application');
    expect(found.fix).toContain('function*');
  });

  it('refuses a returned Promise or thenable from a plain function', async () => {
    const promise: Application = (_e, startResponse) => {
      startResponse('200 OK', TEXT);
      return Promise.resolve([encode('hi')]) as unknown as Bytes[];
    };
    const found = await expectViolation(() => serve(validate(promise)), 'async-application');
    expect(found.message).toMatch(/^WSGI apps are synchronous: /);
    const thenable: Application = () => ({ then() {} }) as unknown as Bytes[];
    await expectViolation(() => serve(validate(thenable)), 'async-application');
  });

  it('refuses a returned async iterable', async () => {
    const app: Application = (_e, startResponse) => {
      startResponse('200 OK', TEXT);
      return (async function* () {
        yield encode('hi');
      })() as unknown as Bytes[];
    };
    await expectViolation(() => serve(validate(app)), 'async-application');
  });
});

describe('validate: what the application returns', () => {
  it.each([undefined, null, false])('refuses %s', async (value) => {
    const app: Application = (_e, startResponse) => {
      startResponse('200 OK', TEXT);
      return value as unknown as Bytes[];
    };
    const found = await expectViolation(() => serve(validate(app)), 'result-missing');
    if (value === undefined) expect(found.fix).toContain('forget `return`');
  });

  it('refuses a string', async () => {
    const app: Application = (_e, startResponse) => {
      startResponse('200 OK', TEXT);
      return 'hello' as unknown as Bytes[];
    };
    const found = await expectViolation(() => serve(validate(app)), 'result-is-string');
    expect(found.fix).toContain('Buffer.from(text)');
  });

  it('refuses a Uint8Array (or Buffer) itself', async () => {
    for (const bytes of [encode('hello'), Buffer.from('hello')]) {
      const app: Application = (_e, startResponse) => {
        startResponse('200 OK', TEXT);
        return bytes as unknown as Bytes[];
      };
      const found = await expectViolation(() => serve(validate(app)), 'result-is-bytes');
      expect(found.fix).toContain('[body]');
    }
  });

  it('refuses something not iterable, such as { status, body } or a number', async () => {
    for (const value of [{ status: 200, body: 'hi' }, 42]) {
      const app: Application = (_e, startResponse) => {
        startResponse('200 OK', TEXT);
        return value as unknown as Bytes[];
      };
      await expectViolation(() => serve(validate(app)), 'result-not-iterable');
    }
  });

  it('closes a refused result that has close(), since the server never sees it', async () => {
    let closed = false;
    const app: Application = () => Object.assign(Promise.resolve([]), { close: () => (closed = true) }) as unknown as Bytes[];
    await expectViolation(() => serve(validate(app)), 'async-application');
    expect(closed).toBe(true);
  });
});

describe('validate: body items', () => {
  const cases: Array<[string, unknown, RegExp]> = [
    ['a string', 'hello', /Buffer\.from\(text\)/],
    ['a number', 104, /Uint8Array itself/],
    ['an array of chunks', [encode('a')], /yield\*/],
    ['an object', { ok: true }, /JSON\.stringify/],
    ['an ArrayBuffer', new ArrayBuffer(2), /new Uint8Array\(buffer\)/],
  ];
  it.each(cases)('refuses %s yielded by a generator', async (_name, item, hint) => {
    const app: Application = function* (_e, startResponse) {
      startResponse('200 OK', TEXT);
      yield item as Bytes;
    };
    const found = await expectViolation(() => serve(validate(app)), 'body-not-bytes');
    expect(found.fix).toMatch(hint);
  });

  it('refuses an array of strings before anything is sent', async () => {
    const app = (_e: Environ, startResponse: StartResponse) => {
      startResponse('200 OK', TEXT);
      return ['hello', 'world'];
    };
    const { environ } = makeEnviron();
    // The check fires when the app returns: the server can still answer a clean 500.
    const found = await expectViolation(() => validate(app as unknown as Application)(environ, ok), 'body-not-bytes');
    expect(found.fix).toContain('new TextEncoder().encode(text)');
  });
});

describe('validate: start_response() must come before the body', () => {
  it('refuses a non-empty chunk before start_response()', async () => {
    const app: Application = function* (_e, startResponse) {
      yield encode('too early');
      startResponse('200 OK', TEXT);
    };
    await expectViolation(() => serve(validate(app)), 'no-start-response');
  });

  it('refuses an array body when start_response() was never called', async () => {
    const app: Application = () => [encode('hi')];
    await expectViolation(() => serve(validate(app)), 'no-start-response');
  });

  it('refuses an iterable that ends without start_response()', async () => {
    const app: Application = function* () {
      yield new Uint8Array(0);
    };
    const found = await expectViolation(() => serve(validate(app)), 'no-start-response');
    expect(found.message).toContain('never called');
  });
});
