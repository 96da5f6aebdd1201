/**
 * The start_response() the application receives, and the write() it returns.
 *
 * PEP 3333 "The start_response() Callable": two positional arguments, or
 * three with exc_info; a second call only with exc_info ("a fatal error ...
 * even if the first call raised"); with exc_info after the headers were sent
 * the server must raise. Status and headers are checked at call time, as the
 * PEP asks, "so that an error can be raised while the application is still
 * running". "The write() Callable": one bytestring, never from within the
 * returned iterable.
 */
import type { StartResponse, Write } from '../types.ts';
import { violation } from './codes.ts';
import { kind, show } from './describe.ts';
import { checkContentType, checkHeaders, declaredLength } from './headers.ts';
import type { ResponseState } from './response-state.ts';
import { checkStatus } from './status.ts';

function checkWrite(inner: Write, state: ResponseState): Write {
  return function write(...args: unknown[]): void {
    if (args.length !== 1) {
      throw violation('write-not-bytes', `write() was called with ${args.length} arguments`);
    }
    const data = args[0];
    if (!(data instanceof Uint8Array)) {
      throw violation('write-not-bytes', `write() was called with ${kind(data)}: ${show(data)}`,
        typeof data === 'string' ? 'Use write(Buffer.from(text)) or write(new TextEncoder().encode(text)).' : undefined);
    }
    if (state.appReturned) {
      throw violation('write-after-return', `write() was called with ${data.length} bytes from within the response iterable (the application had already returned)`);
    }
    state.send(data, 'write');
    inner(data);
  };
}

/** Wrap the server's start_response for one request. */
export function checkStartResponse(inner: StartResponse, state: ResponseState): StartResponse {
  return function startResponse(...args: unknown[]): Write {
    state.calls += 1;
    if (args.length !== 2 && args.length !== 3) {
      throw violation('start-response-args', `startResponse() was called with ${args.length} argument${args.length === 1 ? '' : 's'}`,
        args.length === 1 && typeof args[0] === 'string' ? 'The headers are the second argument, even when there are none: [].' : undefined);
    }
    const [status, headers, excInfo] = args;
    // A missing exc_info is spelled undefined (or null, Python's None).
    const hasExcInfo = excInfo !== undefined && excInfo !== null;
    if (state.calls > 1 && !hasExcInfo) {
      throw violation('start-response-twice', `startResponse() was called ${state.calls} times without excInfo`,
        'If two code paths each call it, make sure only one runs (return after the first).');
    }

    const code = checkStatus(status);
    const pairs = checkHeaders(headers);
    checkContentType(code, pairs);
    const length = declaredLength(pairs);

    if (hasExcInfo && state.headersSent) {
      // The server must re-raise: it is too late to change the response.
      (inner as (...a: unknown[]) => Write)(...args);
      throw violation('exc-info-not-reraised', 'startResponse() returned normally when called with excInfo after the headers were sent');
    }
    const write = (inner as (...a: unknown[]) => Write)(...args);
    state.begin(code, length);
    return checkWrite(write, state);
  } as StartResponse;
}
