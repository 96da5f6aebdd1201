import { describe, expect, it } from 'vitest';
import type { Application, Bytes, Environ, Header, StartResponse } from '../../../grader/wsgi/types.ts';
import { validate } from '../../../grader/wsgi/validate/index.ts';
import { TEXT, decode, encode, serve, type ServeOptions } from './harness.ts';

const JSON_TYPE: Header[] = [['Content-Type', 'application/json']];

const plain: Application = (_environ, startResponse) => {
  startResponse('200 OK', TEXT);
  return [encode('hello')];
};

const generator: Application = function* (_environ, startResponse) {
  startResponse('200 OK', TEXT);
  yield encode('hel');
  yield new Uint8Array(0);
  yield encode('lo');
};

class TodoApi {
  private readonly todos = ['buy milk'];
  handle(environ: Environ, startResponse: StartResponse): Bytes[] {
    const body = encode(JSON.stringify({ path: environ.PATH_INFO, todos: this.todos }));
    startResponse('200 OK', [...JSON_TYPE, ['Content-Length', String(body.byteLength)]]);
    return [body];
  }
}
const api = new TodoApi();

const writer: Application = (_environ, startResponse) => {
  const write = startResponse('200 OK', [...TEXT, ['Content-Length', '11']]);
  write(encode('hello'));
  write(encode(' '));
  return [encode('world')];
};

// start_response() called inside the generator, before its first chunk (PEP 3333 "Specification Details").
const lazy: Application = function* (_environ, startResponse) {
  yield new Uint8Array(0);
  startResponse('201 Created', [...JSON_TYPE, ['Location', '/todos/1']]);
  yield encode('{"id":1}');
};

// The PEP's error-handling pattern: replace the response with exc_info while nothing was sent.
const recovering: Application = (_environ, startResponse) => {
  try {
    startResponse('200 OK', JSON_TYPE);
    throw new Error('database down');
  } catch (error) {
    startResponse('500 Internal Server Error', TEXT, error);
    return [encode('sorry')];
  }
};

const noContent: Application = (_environ, startResponse) => {
  startResponse('204 No Content', []);
  return [];
};

const notModified: Application = (_environ, startResponse) => {
  startResponse('304 Not Modified', [['ETag', '"v1"']]);
  return [new Uint8Array(0)];
};

// HEAD: the same headers as GET, including Content-Length, and an empty body.
const head: Application = (environ, startResponse) => {
  const body = encode('{"todos":[]}');
  startResponse('200 OK', [...JSON_TYPE, ['Content-Length', String(body.byteLength)]]);
  return environ.REQUEST_METHOD === 'HEAD' ? [] : [body];
};

const echo: Application = (environ, startResponse) => {
  const length = Number(environ.CONTENT_LENGTH || 0);
  const body = environ['wsgi.input'].read(length);
  environ['wsgi.errors'].write(`echo ${length} bytes\n`);
  startResponse('200 OK', [['Content-Type', environ.CONTENT_TYPE || 'application/octet-stream'], ['Content-Length', String(length)]]);
  return [body];
};

const customIterable: Application = (_environ, startResponse) => {
  startResponse('200 OK', [...TEXT, ['Cache-Control', 'no-store'], ['ETag', 'W/"1"'], ['X_Custom', 'ok']]);
  return {
    *[Symbol.iterator]() {
      yield Buffer.from('buffer ');
      yield encode('bytes');
    },
    close() {},
  };
};

const goodApps: Array<[string, Application, ServeOptions?]> = [
  ['a plain function', plain],
  ['a generator function', generator],
  ['a bound method of a class instance', api.handle.bind(api)],
  ['an app using write()', writer],
  ['start_response() lazily inside a generator', lazy],
  ['an exc_info re-call before anything was sent', recovering],
  ['an empty 204', noContent],
  ['a 304 yielding an empty chunk', notModified],
  ['a HEAD-style empty body with Content-Length', head, { method: 'HEAD' }],
  ['the same app answering GET', head],
  ['an app reading its body with read(CONTENT_LENGTH)', echo, { method: 'POST', body: 'ping' }],
  ['an app reading a request without a body', echo],
  ['an iterable object with close(), Buffer chunks and various header names', customIterable],
];

describe('validate: stays quiet and changes nothing for correct apps', () => {
  it.each(goodApps)('%s', (_name, app, options) => {
    const bare = serve(app, options);
    const checked = serve(validate(app), options);
    expect(checked).toEqual(bare);
    expect(checked.errors).not.toContain('WSGI warning');
  });

  it('serves many requests in a row (no state leaks between them)', () => {
    const validated = validate(generator);
    for (let i = 0; i < 5; i++) expect(serve(validated).body).toBe('hello');
  });

  it('passes every chunk through, in order and as the same objects', () => {
    const chunks = [encode('a'), encode('b')];
    const app: Application = (_e, startResponse) => {
      startResponse('200 OK', TEXT);
      return chunks;
    };
    const served = serve(validate(app));
    expect(served.chunks[0]).toBe(chunks[0]);
    expect(served.chunks[1]).toBe(chunks[1]);
    expect(served.chunks.map(decode)).toEqual(['a', 'b']);
  });
});
