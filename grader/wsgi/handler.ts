/**
 * The server side of one response, shared by both servers — after wsgiref's
 * BaseHandler: one fixed sequence (call the app → iterate its result → finish
 * → close) over a small {@link ResponseTransport} each server implements.
 *
 * Section names are PEP 3333's headings.
 */
import { httpDate } from '../servers/common/http-date.ts';
import { statusText } from '../servers/common/status.ts';
import type { LogSink } from '../servers/types.ts';
import { checkChunk, checkResult, isThenable, noStartResponse } from './app-result.ts';
import { checkHeaders, declaredContentLength, hasHeader, parseStatus } from './response-rules.ts';
import type { Application, Bytes, Environ, Header, ResponseBody, StartResponse, Write } from './types.ts';
import { runSteps, type MaybePromise } from './steps.ts';
import { WsgiViolation } from './violation.ts';

/** How a server puts one response on the wire. */
export interface ResponseTransport {
  /**
   * Called once per response: with the first non-empty chunk, on the first
   * write(), or at the end of an empty body (PEP 3333 "Buffering and
   * Streaming"). `code` is the status's number, already checked. Date and
   * Server are already among `headers`. contentLength is
   * known when the app gave Content-Length, when its result was a one-item
   * array (PEP 3333 "Handling the Content-Length Header"), or for an empty body.
   */
  sendHead(status: string, code: number, headers: Header[], contentLength: number | undefined): void;
  /** Send body bytes; resolve when the peer can take more (backpressure) or is gone. Never reject for a gone client. */
  sendBody(chunk: Uint8Array): void | Promise<void>;
  /** The response is complete. */
  finish(): void | Promise<void>;
  /** The response can't be completed (error after headers, or fewer bytes than Content-Length): close the connection. */
  abort(reason: unknown): void;
  /** True once the client went away; the handler then stops iterating (close() is still called). */
  readonly clientGone: boolean;
  /** True when the transport adds Date itself when the app gave none (node:http does): the handler then leaves it out. */
  readonly addsDate?: boolean;
}

export interface HandlerHooks {
  /** Where error stacks and warnings go (the server's log). */
  log: LogSink;
  /** The Server header's value, e.g. "simple/1.0 node/20.20.2". */
  software: string;
  /** Told of every error the app caused, whether or not a 500 could still be sent. */
  onAppError?: (error: unknown, environ: Environ) => void;
}

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

/** A failure of the transport itself (not of the app): the connection is lost. */
class TransportFailure extends Error {
  constructor(readonly reason: unknown) {
    super('the response could not be sent');
  }
}

interface PendingHead {
  status: string;
  code: number;
  headers: Header[];
  contentLength: number | undefined;
}

/** Statuses and methods whose responses carry no content (RFC 9110 §6.4.1), so a short body is fine. */
function mayOmitBody(method: string, code: number): boolean {
  return method === 'HEAD' || code === 204 || code === 304;
}

function stackOf(error: unknown): string {
  return error instanceof Error ? (error.stack ?? `${error.name}: ${error.message}`) : `thrown: ${String(error)}`;
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
  let pending: PendingHead | undefined;
  let sent: PendingHead | undefined;
  let bytesSent = 0;
  let writeUsed = false;
  let ended = false;
  let excessReported = false;
  let writes: Array<Promise<void>> = [];
  let writeFailure: { reason: unknown } | undefined;

  // Object-literal methods rather than nested function declarations: transpilers that keep
  // function names (tsx, esbuild keepNames) would otherwise rename every closure on every call.
  const { reportAppError, commitHead, emit, drainWrites, write, startResponse } = {
    reportAppError(error: unknown): void {
      const request = `${environ.REQUEST_METHOD} ${environ.PATH_INFO ?? ''}`;
      hooks.log(`error in the application (${request}): ${stackOf(error)}`);
      try {
        hooks.onAppError?.(error, environ);
      } catch (hookError) {
        hooks.log(`error in the server's onAppError hook: ${stackOf(hookError)}`);
      }
    },

    /** PEP 3333 "Buffering and Streaming": the head goes out with the first body bytes, Date and Server added (RFC 9110 §6.6.1, §10.2.4). */
    commitHead(head: PendingHead, knownLength: number | undefined): void {
      const headers: Header[] = [];
      if (transport.addsDate !== true && !hasHeader(head.headers, 'date')) headers.push(['Date', httpDate()]);
      if (!hasHeader(head.headers, 'server')) headers.push(['Server', hooks.software]);
      for (const header of head.headers) headers.push(header);
      sent = head;
      try {
        transport.sendHead(head.status, head.code, headers, head.contentLength ?? knownLength);
      } catch (error) {
        throw new TransportFailure(error);
      }
    },

    /** Send body bytes, never more than the app's Content-Length (PEP 3333 "Handling the Content-Length Header"). */
    emit(chunk: Bytes, knownLength?: number): void | Promise<void> {
      if (sent === undefined) {
        if (pending === undefined) throw noStartResponse('the app produced body bytes before calling start_response()');
        commitHead(pending, knownLength);
      }
      const limit = sent!.contentLength;
      let part = chunk;
      if (limit !== undefined && bytesSent + part.byteLength > limit) {
        part = part.subarray(0, limit - bytesSent);
        if (!excessReported) {
          excessReported = true;
          reportAppError(new WsgiViolation({
            code: 'content-length-exceeded',
            problem: `the app produced more than the ${limit} bytes its Content-Length announced`,
            rule: 'The body has exactly Content-Length bytes; the server sends no more than that.',
            fix: 'Compute Content-Length from the encoded body: String(body.byteLength).',
            section: 'Handling the Content-Length Header',
          }));
        }
      }
      if (part.byteLength === 0) return;
      bytesSent += part.byteLength;
      let sending: void | Promise<void>;
      try {
        sending = transport.sendBody(part);
      } catch (error) {
        throw new TransportFailure(error);
      }
      if (!isThenable(sending)) return;
      return Promise.resolve(sending).catch((error: unknown) => {
        throw new TransportFailure(error);
      });
    },

    /** Wait for chunks passed to write() (PEP 3333 "The write() Callable"). */
    async drainWrites(): Promise<void> {
      const waiting = writes;
      writes = [];
      await Promise.all(waiting);
      if (writeFailure !== undefined) throw new TransportFailure(writeFailure.reason);
    },

    /** PEP 3333 "The write() Callable": sends the headers if needed, then the data, at once. */
    write(data: Bytes): void {
      if (ended) throw new Error('write() was called after the response ended');
      const chunk = checkChunk(data, 'write');
      writeUsed = true;
      const sending = emit(chunk);
      // write() can't wait (the app is synchronous): the handler waits after the app's call returns.
      // A failure is kept, not left as an unhandled rejection.
      if (sending !== undefined) {
        writes.push(sending.catch((error: unknown) => {
          writeFailure ??= { reason: error instanceof TransportFailure ? error.reason : error };
        }));
      }
    },

    /** PEP 3333 "The start_response() Callable": record status and headers; a second call only with excInfo, before headers were sent. */
    startResponse(status: string, headers: Header[], excInfo?: unknown): Write {
      if (ended) throw new Error('start_response() was called after the response ended');
      if (excInfo !== undefined && excInfo !== null) {
        // "...if the headers have already been sent, start_response must raise an error, and should re-raise using the exc_info tuple."
        if (sent !== undefined) throw excInfo;
      } else if (pending !== undefined) {
        throw new WsgiViolation({
          code: 'start-response-twice',
          problem: 'start_response() was called a second time without excInfo',
          rule: 'start_response() is called once; a second call must pass excInfo, and only before headers were sent.',
          fix: 'Call start_response() once per request, or pass the caught error as the third argument to replace the status.',
          section: 'The start_response() Callable',
        });
      }
      const code = parseStatus(status);
      const list = checkHeaders(headers);
      pending = { status: status, code, headers: list, contentLength: declaredContentLength(list) };
      return write;
    },
  };
  // Typed as PEP 3333's callables (the app gets exactly these functions).
  const typedStartResponse: StartResponse = startResponse;

  let closable: { close?: unknown } | undefined;
  let failure: { error: unknown } | undefined;
  try {
    const returned: unknown = app(environ, typedStartResponse);
    if (typeof returned === 'object' && returned !== null) closable = returned;
    // An async app's later rejection must not crash the server: it is reported as async-application instead.
    if (isThenable(returned)) Promise.resolve(returned).catch(() => undefined);
    const result: ResponseBody = checkResult(returned);
    // Await only what is pending: most apps never call write(), and most sends complete at once.
    if (writes.length > 0) yield drainWrites();
    // PEP 3333 "Handling the Content-Length Header": a one-item list's length is the body's.
    const single = Array.isArray(result) && result.length === 1 && !writeUsed;
    const iterator = result[Symbol.iterator]();
    while (!transport.clientGone) {
      const step = iterator.next();
      if (writes.length > 0) yield drainWrites();
      if (step.done) break;
      const chunk = checkChunk(step.value, 'iterable');
      if (chunk.byteLength === 0) continue; // empty chunks don't start the response
      const sending = emit(chunk, single ? chunk.byteLength : undefined);
      if (sending !== undefined) yield sending;
      if (sent?.contentLength !== undefined && bytesSent >= sent.contentLength && excessReported) break;
    }
    if (!transport.clientGone && sent === undefined) {
      if (pending === undefined) throw noStartResponse('the app ended its body without calling start_response()');
      commitHead(pending, 0);
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
      if (failure.error !== error) reportAppError(error);
    }
  }
  ended = true;
  try {
    environ['wsgi.errors'].flush();
  } catch {
    // An app may have replaced wsgi.errors; its flush is its business.
  }

  const code = sent?.code ?? 0;
  if (failure !== undefined) {
    if (failure.error instanceof TransportFailure) {
      hooks.log(`response aborted: ${stackOf(failure.error.reason)}`);
      transport.abort(failure.error.reason);
      return { status: code, bytesSent, completed: false };
    }
    reportAppError(failure.error);
    if (sent !== undefined) {
      transport.abort(failure.error);
      return { status: code, bytesSent, completed: false };
    }
    if (transport.clientGone) return { status: 0, bytesSent, completed: false };
    return yield* sendServerError(commitHead, transport, hooks);
  }
  if (transport.clientGone) return { status: code, bytesSent, completed: false };

  const expected = sent?.contentLength;
  if (expected !== undefined && bytesSent < expected && !mayOmitBody(environ.REQUEST_METHOD, code)) {
    const short = new WsgiViolation({
      code: 'content-length-short',
      problem: `the app announced Content-Length ${expected} but produced ${bytesSent} bytes`,
      rule: 'The body has exactly Content-Length bytes; when it is shorter the server must close the connection.',
      fix: 'Compute Content-Length from the encoded body: String(body.byteLength).',
      section: 'Handling the Content-Length Header',
    });
    reportAppError(short);
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
  commitHead: (head: PendingHead, knownLength: number | undefined) => void,
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
    commitHead(head, undefined);
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
