/**
 * Small WSGI applications for testing servers: each shows one part of the
 * contract (PEP 3333). Reusable by any server's tests.
 */
import type { Application, Bytes, Environ, ResponseBody, StartResponse } from '../../grader/wsgi/types.ts';

const encoder = new TextEncoder();
export const bytes = (text: string): Bytes => encoder.encode(text);

const TEXT: [string, string] = ['Content-Type', 'text/plain; charset=utf-8'];

/** The smallest app: one chunk. */
export const hello: Application = (_environ, startResponse) => {
  startResponse('200 OK', [TEXT]);
  return [bytes('Hello, WSGI!')];
};

/** The environ's string-valued keys, as JSON (what the sandbox records too). */
export const environDump: Application = (environ, startResponse) => {
  const strings: Record<string, string> = {};
  for (const [key, value] of Object.entries(environ)) if (typeof value === 'string') strings[key] = value;
  startResponse('200 OK', [['Content-Type', 'application/json']]);
  return [bytes(JSON.stringify(strings))];
};

/** Echo the body, reading exactly CONTENT_LENGTH bytes, as PEP 3333 "Input and Error Streams" asks apps to. */
export const echoBody: Application = (environ, startResponse) => {
  const length = Number(environ.CONTENT_LENGTH || '0');
  const body = environ['wsgi.input'].read(length);
  startResponse('200 OK', [['Content-Type', 'application/octet-stream']]);
  return [body];
};

/** Echo the body read with read() and no size (the rest of the input). */
export const echoReadAll: Application = (environ, startResponse) => {
  const body = environ['wsgi.input'].read();
  startResponse('200 OK', [['Content-Type', 'application/octet-stream']]);
  return [body];
};

/** A generator function: start_response first, then several chunks. */
export function* generatorApp(_environ: Environ, startResponse: StartResponse): Generator<Bytes> {
  startResponse('200 OK', [TEXT]);
  yield bytes('one ');
  yield bytes('');
  yield bytes('two ');
  yield bytes('three');
}

/** The legacy write() callable (PEP 3333 "The write() Callable"), then an iterable with the rest. */
export const writeApp: Application = (_environ, startResponse) => {
  const write = startResponse('200 OK', [TEXT]);
  write(bytes('written, '));
  write(bytes('then '));
  return [bytes('returned')];
};

/** start_response called lazily, during the first iteration — allowed by PEP 3333. */
export const lazyStartApp: Application = (_environ, startResponse) => {
  function* body(): Generator<Bytes> {
    startResponse('201 Created', [TEXT, ['X-Lazy', 'yes']]);
    yield bytes('created lazily');
  }
  return body();
};

/** A second start_response with excInfo before any byte was sent replaces the 200 with a 500. */
export const excInfoApp: Application = (_environ, startResponse) => {
  startResponse('200 OK', [TEXT]);
  try {
    throw new Error('something broke after start_response');
  } catch (error) {
    startResponse('500 Internal Server Error', [TEXT], error);
    return [bytes('replaced by the app')];
  }
};

/** Fails before any byte is sent: the server answers 500 (PEP 3333 "Error Handling"). */
export const failBeforeHeaders: Application = () => {
  throw new Error('failure before headers');
};

/** Fails after the first chunk was sent: the server can only close the connection. */
export function* failAfterHeaders(_environ: Environ, startResponse: StartResponse): Generator<Bytes> {
  startResponse('200 OK', [TEXT]);
  yield bytes('first chunk, ');
  throw new Error('failure after headers');
}

/** How many times the result of {@link closeTracking} had close() called. */
export const closeCalls = { count: 0 };

/** A result with close(), which the server must call (PEP 3333 "Specification Details"). */
export const closeTracking: Application = (_environ, startResponse) => {
  startResponse('200 OK', [TEXT]);
  const result: ResponseBody = Object.assign([bytes('closing')], {
    close(): void {
      closeCalls.count += 1;
    },
  });
  return result;
};

/** An app that is a bound method of an instance with state. */
export class Greeter {
  private greeted = 0;
  constructor(private readonly greeting: string) {}
  application(_environ: Environ, startResponse: StartResponse): ResponseBody {
    this.greeted += 1;
    startResponse('200 OK', [TEXT]);
    return [bytes(`${this.greeting} #${this.greeted}`)];
  }
}
export const boundMethod: Application = (() => {
  const greeter = new Greeter('Hi');
  return greeter.application.bind(greeter);
})();
