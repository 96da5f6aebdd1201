/**
 * The server side of one response, shared by both servers — after wsgiref's
 * BaseHandler: one fixed sequence (call the app → iterate its result → finish
 * → close) over a small {@link ResponseTransport} each server implements.
 *
 * Section names are PEP 3333's headings.
 */
import { statusText } from './status.ts';
import { checkChunk, checkResult, isThenable, noStartResponse } from './app-result.ts';
import { ResponseState, stackOf, TransportFailure, type PendingHead } from './response-state.ts';
import type { HandlerHooks, ResponseTransport } from './transport.ts';

export { reportAppError } from './response-state.ts';
import type { Application, Environ, Header, ResponseBody } from './types.ts';
import { runSteps, type MaybePromise } from './steps.ts';
import { WsgiViolation } from './violation.ts';

export type { HandlerHooks, ResponseTransport } from './transport.ts';

export interface HandlerResult {
  /** The status code sent; 0 when none was (the client left before). */
  status: number;
  /** Body bytes handed to the transport. */
  bytesSent: number;
  /** True when the whole response went out; false when aborted or the client left. */
  completed: boolean;
}

/** wsgiref's text for a 500 (PEP 3333 "Error Handling": the details go to the log, not to the client). */
export const ERROR_BODY = 'A server error occurred.  Please contact the administrator.\n';

/** Statuses and methods whose responses carry no content (RFC 9110 §6.4.1), so a short body is fine. */
function mayOmitBody(method: string, code: number): boolean {
  return method === 'HEAD' || code === 204 || code === 304;
}

/**
 * Run one request through the app and send its response (PEP 3333
 * "Specification Details", in order):
 * 1. call app(environ, start_response) — it must return synchronously;
 * 2. start_response records status and headers, returns write();
 * 3. iterate the result one next() at a time, sending each non-empty chunk
 *    and waiting for the transport between chunks (backpressure);
 * 4. headers go out with the first non-empty chunk, or when the body ends;
 * 5. call the result's close(), if it has one — always;
 * 6. errors: 500 before headers were sent, abort after ("Error Handling").
 */
export function runApplication(
  app: Application,
  environ: Environ,
  transport: ResponseTransport,
  hooks: HandlerHooks,
): MaybePromise<HandlerResult> {
  return runSteps(responseSteps(app, environ, transport, hooks));
}

/**
 * The sequence itself. `yield` marks each place it may wait for the transport
 * (runSteps awaits a thenable there), so a response that never has to wait is
 * served synchronously: no promise, no microtask.
 */
function* responseSteps(
  app: Application,
  environ: Environ,
  transport: ResponseTransport,
  hooks: HandlerHooks,
): Generator<unknown, HandlerResult, unknown> {
  const r = new ResponseState(environ, transport, hooks);

  let closable: { close?: unknown } | undefined;
  let failure: { error: unknown } | undefined;
  try {
    const returned: unknown = app(environ, r.startResponse);
    if (typeof returned === 'object' && returned !== null) closable = returned;
    // An async app's later rejection must not crash the server: it is reported as async-application instead.
    if (isThenable(returned)) Promise.resolve(returned).catch(() => undefined);
    const result: ResponseBody = checkResult(returned);
    // Await only what is pending: most apps never call write(), and most sends complete at once.
    if (r.writes.length > 0) yield r.drainWrites();
    // PEP 3333 "Handling the Content-Length Header": a one-item list's length is the body's.
    const single = Array.isArray(result) && result.length === 1 && !r.writeUsed;
    const iterator = result[Symbol.iterator]();
    while (!transport.clientGone) {
      const step = iterator.next();
      if (r.writes.length > 0) yield r.drainWrites();
      if (step.done) break;
      const chunk = checkChunk(step.value, 'iterable');
      if (chunk.byteLength === 0) continue; // empty chunks don't start the response
      const sending = r.emit(chunk, single ? chunk.byteLength : undefined);
      if (sending !== undefined) yield sending;
      if (r.sent?.contentLength !== undefined && r.bytesSent >= r.sent.contentLength && r.excessReported) break;
    }
    if (!transport.clientGone && r.sent === undefined) {
      if (r.pending === undefined) throw noStartResponse('the app ended its body without calling startResponse()');
      r.commitHead(r.pending, 0);
    }
  } catch (error) {
    failure = { error };
  }

  // PEP 3333 "Specification Details": close() is called whatever happened
  // (even when the result was refused: it may hold resources).
  if (typeof closable?.close === 'function') {
    try {
      closable.close();
    } catch (error) {
      failure ??= { error };
      if (failure.error !== error) r.reportAppError(error);
    }
  }
  r.ended = true;
  try {
    environ['wsgi.errors'].flush();
  } catch {
    // An app may have replaced wsgi.errors; its flush is its business.
  }

  const code = r.sent?.code ?? 0;
  const bytesSent = r.bytesSent;
  if (failure !== undefined) {
    if (failure.error instanceof TransportFailure) {
      hooks.log(`response aborted: ${stackOf(failure.error.reason)}`);
      transport.abort(failure.error.reason);
      return { status: code, bytesSent, completed: false };
    }
    r.reportAppError(failure.error);
    if (r.sent !== undefined) {
      transport.abort(failure.error);
      return { status: code, bytesSent, completed: false };
    }
    if (transport.clientGone) return { status: 0, bytesSent, completed: false };
    return yield* sendServerError(r, transport, hooks);
  }
  if (transport.clientGone) return { status: code, bytesSent, completed: false };

  const expected = r.sent?.contentLength;
  if (expected !== undefined && bytesSent < expected && !mayOmitBody(environ.REQUEST_METHOD, code)) {
    const short = new WsgiViolation({
      code: 'content-length-short',
      problem: `the app announced Content-Length ${expected} but produced ${bytesSent} bytes`,
      rule: 'The body has exactly Content-Length bytes; when it is shorter the server must close the connection.',
      fix: 'Compute Content-Length from the encoded body: String(body.byteLength).',
      section: 'Handling the Content-Length Header',
    });
    r.reportAppError(short);
    transport.abort(short);
    return { status: code, bytesSent, completed: false };
  }
  try {
    const finishing = transport.finish();
    if (isThenable(finishing)) yield finishing;
  } catch (error) {
    hooks.log(`response aborted: ${stackOf(error)}`);
    transport.abort(error);
    return { status: code, bytesSent, completed: false };
  }
  return { status: code, bytesSent, completed: true };
}

/** PEP 3333 "Error Handling": nothing was sent yet, so answer 500 with a short text. */
function* sendServerError(
  state: ResponseState,
  transport: ResponseTransport,
  hooks: HandlerHooks,
): Generator<unknown, HandlerResult, unknown> {
  const body = new TextEncoder().encode(ERROR_BODY);
  const head: PendingHead = {
    status: statusText(500),
    code: 500,
    headers: [['Content-Type', 'text/plain; charset=utf-8'], ['Content-Length', String(body.byteLength)]],
    contentLength: body.byteLength,
  };
  try {
    state.commitHead(head, undefined);
    yield transport.sendBody(body);
    yield transport.finish();
    return { status: 500, bytesSent: body.byteLength, completed: true };
  } catch (error) {
    const reason = error instanceof TransportFailure ? error.reason : error;
    hooks.log(`response aborted: ${stackOf(reason)}`);
    transport.abort(reason);
    return { status: 500, bytesSent: 0, completed: false };
  }
}
