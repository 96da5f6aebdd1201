/**
 * Violations are reported where a check finds them, not only thrown.
 *
 * The callables the application receives — startResponse() and the write()
 * it returns, wsgi.input and wsgi.errors — throw a WsgiViolation into the
 * application's own code, which may catch it (a try/catch that turns any
 * error into `400 invalid body`). PEP 3333 still counts the broken rule, so
 * each such callable tells the sink first, then throws as before: whatever
 * the application does with the error, the violation is on record.
 */
import type { ErrorStream, InputStream, StartResponse, Write } from '../types.ts';
import { isWsgiViolation, type WsgiViolation } from '../violation.ts';

export type ViolationSink = (violation: WsgiViolation) => void;

/** `fn`, telling `sink` of any violation it throws before the caller sees it. */
function reporting<A extends unknown[], R>(fn: (...args: A) => R, sink: ViolationSink): (...args: A) => R {
  return function (this: unknown, ...args: A): R {
    try {
      return Reflect.apply(fn, this, args) as R;
    } catch (error) {
      if (isWsgiViolation(error)) sink(error);
      throw error;
    }
  };
}

/** startResponse() and every write() it returns. */
export function reportingStartResponse(startResponse: StartResponse, sink: ViolationSink): StartResponse {
  const start = startResponse as (...args: unknown[]) => Write;
  return reporting((...args: unknown[]): Write => reporting(start(...args) as (...a: unknown[]) => void, sink) as Write, sink) as StartResponse;
}

/** wsgi.input: its methods and its iteration. */
export function reportingInput(input: InputStream, sink: ViolationSink): InputStream {
  const methods = input as unknown as Record<string, (...args: unknown[]) => unknown>;
  const wrapper: Record<string | symbol, unknown> = {};
  for (const name of ['read', 'readline', 'readlines', 'close']) {
    const method = methods[name];
    if (typeof method === 'function') wrapper[name] = reporting((...args: unknown[]) => method.apply(input, args), sink);
  }
  wrapper[Symbol.iterator] = function* iterate(): Generator<unknown> {
    const iterator = input[Symbol.iterator]();
    const next = reporting(() => iterator.next(), sink);
    for (let step = next(); step.done !== true; step = next()) yield step.value;
  };
  return wrapper as unknown as InputStream;
}

/** wsgi.errors. */
export function reportingErrors(errors: ErrorStream, sink: ViolationSink): ErrorStream {
  const methods = errors as unknown as Record<string, (...args: unknown[]) => unknown>;
  const wrapper: Record<string, unknown> = {};
  for (const name of ['write', 'writelines', 'flush', 'close']) {
    const method = methods[name];
    if (typeof method === 'function') wrapper[name] = reporting((...args: unknown[]) => method.apply(errors, args), sink);
  }
  return wrapper as unknown as ErrorStream;
}
