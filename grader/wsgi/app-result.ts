/**
 * The server's checks of what an application returns and yields.
 *
 * PEP 3333 "The Application/Framework Side": the app returns an iterable
 * yielding zero or more bytestrings — synchronously. These are the shapes a
 * server cannot serve; each becomes a {@link WsgiViolation} that explains the
 * fix, and the handler answers 500 (PEP 3333 "Error Handling").
 */
import { WsgiViolation } from './violation.ts';
import type { Bytes, ResponseBody } from './types.ts';

const SECTION = 'The Application/Framework Side';

function violation(code: string, problem: string, rule: string, fix: string, section = SECTION): WsgiViolation {
  return new WsgiViolation({ code, problem, rule, fix, section });
}

/** True for a Promise or any other thenable. */
export function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (typeof value === 'object' || typeof value === 'function') && value !== null && typeof (value as { then?: unknown }).then === 'function';
}

/**
 * Check the app's return value (PEP 3333 "The Application/Framework Side"):
 * an iterable of bytes, returned synchronously. A Promise (an `async`
 * function) or an async generator is refused: "WSGI apps are synchronous".
 * A string or a bare Uint8Array is refused too: iterating them yields
 * characters or numbers, not bytestrings (PEP 3333 "A Note On String Types").
 */
export function checkResult(result: unknown): ResponseBody {
  if (isThenable(result)) {
    throw violation(
      'async-application',
      'the application returned a Promise',
      'WSGI apps are synchronous: the app returns an iterable of bytes, not a Promise.',
      'Remove `async` from the application and do the work synchronously.',
    );
  }
  if (typeof result === 'string') {
    throw violation(
      'result-is-string',
      'the application returned a string',
      'The app returns an iterable of bytestrings; a string is text, and iterating it yields characters.',
      'Return [new TextEncoder().encode(text)].',
      'A Note On String Types',
    );
  }
  if (result instanceof Uint8Array) {
    throw violation(
      'result-is-bytes',
      'the application returned a Uint8Array itself',
      'The app returns an iterable of bytestrings; iterating one Uint8Array yields numbers.',
      'Wrap the body in a list: return [body].',
    );
  }
  const candidate = result as { [Symbol.iterator]?: unknown; [Symbol.asyncIterator]?: unknown } | null | undefined;
  if (typeof candidate?.[Symbol.iterator] !== 'function') {
    const isAsync = typeof candidate?.[Symbol.asyncIterator] === 'function';
    throw violation(
      isAsync ? 'async-application' : 'result-not-iterable',
      isAsync ? 'the application returned an async iterable' : `the application returned ${describe(result)}`,
      isAsync
        ? 'WSGI apps are synchronous: the body is a plain iterable, e.g. an array or a `function*` generator.'
        : 'The app returns an iterable of bytestrings (an array, or a generator).',
      isAsync ? 'Use `function*` instead of `async function*`.' : 'Return [body], or [] for an empty body.',
    );
  }
  return result as ResponseBody;
}

/**
 * Check one body chunk (PEP 3333 "The Application/Framework Side" and "The
 * write() Callable": bytestrings only). `source` names where it came from.
 */
export function checkChunk(chunk: unknown, source: 'iterable' | 'write'): Bytes {
  if (chunk instanceof Uint8Array) return chunk;
  const where = source === 'write' ? 'write() was called with' : 'the response iterable yielded';
  throw violation(
    source === 'write' ? 'write-not-bytes' : 'body-not-bytes',
    `${where} ${describe(chunk)}`,
    'Body chunks are bytestrings (Uint8Array), never text.',
    'Encode text first: new TextEncoder().encode(text).',
    source === 'write' ? 'The write() Callable' : 'A Note On String Types',
  );
}

/** The violation for body bytes produced before start_response() was called. */
export function noStartResponse(problem: string): WsgiViolation {
  return violation(
    'no-start-response',
    problem,
    'The app calls startResponse() before the first non-empty body chunk (or before its iterable ends).',
    'Call startResponse(status, headers) before returning or yielding the body.',
    'The start_response() Callable',
  );
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return `a string (${JSON.stringify(value.slice(0, 20))})`;
  if (typeof value === 'object') return `an object (${value.constructor?.name ?? 'no prototype'})`;
  return typeof value === 'undefined' ? 'undefined' : `a ${typeof value}`;
}
