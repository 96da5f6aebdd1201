/**
 * What the handler (handler.ts) knows about one response while it runs: the
 * head the app gave and the one sent, the bytes sent, pending write()s — and
 * the two callables the app gets, start_response() and write().
 *
 * A class: its steps are methods shared by every response, and only the two
 * callables the app is handed are closures made per request.
 *
 * Section names are PEP 3333's headings.
 */
import { httpDate } from './http-date.ts';
import { checkChunk, isThenable, noStartResponse } from './app-result.ts';
import type { HandlerHooks, ResponseTransport } from './transport.ts';
import { checkHeaders, declaredContentLength, hasHeader, parseStatus } from './response-rules.ts';
import type { Bytes, Environ, Header, StartResponse, Write } from './types.ts';
import { isWsgiViolation, WsgiViolation } from './violation.ts';

/** A failure of the transport itself (not of the app): the connection is lost. */
export class TransportFailure extends Error {
  constructor(readonly reason: unknown) {
    super('the response could not be sent');
  }
}

export interface PendingHead {
  status: string;
  code: number;
  headers: Header[];
  contentLength: number | undefined;
}

export function stackOf(error: unknown): string {
  return error instanceof Error ? (error.stack ?? `${error.name}: ${error.message}`) : `thrown: ${String(error)}`;
}

/** Violations already reported (where the validator found them): the same one reaching the handler is not logged twice. */
const reported = new WeakSet<WsgiViolation>();

/**
 * Log an error the app caused and tell the server's onAppError hook. A
 * WsgiViolation is reported once, whether first by the validator (the moment
 * it found it, see validate/report.ts) or by the handler it then reached.
 */
export function reportAppError(hooks: HandlerHooks, environ: Environ, error: unknown): void {
  if (isWsgiViolation(error)) {
    if (reported.has(error)) return;
    reported.add(error);
  }
  const request = `${environ.REQUEST_METHOD} ${environ.PATH_INFO ?? ''}`;
  hooks.log(`error in the application (${request}): ${stackOf(error)}`);
  try {
    hooks.onAppError?.(error, environ);
  } catch (hookError) {
    hooks.log(`error in the server's onAppError hook: ${stackOf(hookError)}`);
  }
}

export class ResponseState {
  /** What start_response() recorded last. */
  pending: PendingHead | undefined;
  /** The head that went out. */
  sent: PendingHead | undefined;
  bytesSent = 0;
  writeUsed = false;
  /** The response ended: start_response() and write() may no longer be called. */
  ended = false;
  excessReported = false;
  /** Sends started by write() that had to wait. */
  writes: Array<Promise<void>> = [];
  writeFailure: { reason: unknown } | undefined;
  /** PEP 3333 "The start_response() Callable": the function the app is called with. */
  readonly startResponse: StartResponse;
  /** PEP 3333 "The write() Callable": what start_response() returns. */
  readonly write: Write;

  constructor(
    private readonly environ: Environ,
    private readonly transport: ResponseTransport,
    private readonly hooks: HandlerHooks,
  ) {
    // Assigned here rather than as class fields: a transpiler that keeps names would wrap each per request.
    this.startResponse = (status, headers, excInfo) => this.start(status, headers, excInfo);
    this.write = (data) => this.writeNow(data);
  }

  reportAppError(error: unknown): void {
    reportAppError(this.hooks, this.environ, error);
  }

  /** PEP 3333 "Buffering and Streaming": the head goes out with the first body bytes, Date and Server added (RFC 9110 §6.6.1, §10.2.4). */
  commitHead(head: PendingHead, knownLength: number | undefined): void {
    const transport = this.transport;
    const headers: Header[] = [];
    if (transport.addsDate !== true && !hasHeader(head.headers, 'date')) headers.push(['Date', httpDate()]);
    if (!hasHeader(head.headers, 'server')) headers.push(['Server', this.hooks.software]);
    for (const header of head.headers) headers.push(header);
    this.sent = head;
    try {
      transport.sendHead(head.status, head.code, headers, head.contentLength ?? knownLength);
    } catch (error) {
      throw new TransportFailure(error);
    }
  }

  /** Send body bytes, never more than the app's Content-Length (PEP 3333 "Handling the Content-Length Header"). */
  emit(chunk: Bytes, knownLength?: number): void | Promise<void> {
    if (this.sent === undefined) {
      if (this.pending === undefined) throw noStartResponse('the app produced body bytes before calling startResponse()');
      this.commitHead(this.pending, knownLength);
    }
    const limit = this.sent!.contentLength;
    let part = chunk;
    if (limit !== undefined && this.bytesSent + part.byteLength > limit) {
      part = part.subarray(0, limit - this.bytesSent);
      if (!this.excessReported) {
        this.excessReported = true;
        this.reportAppError(new WsgiViolation({
          code: 'content-length-exceeded',
          problem: `the app produced more than the ${limit} bytes its Content-Length announced`,
          rule: 'The body has exactly Content-Length bytes; the server sends no more than that.',
          fix: 'Compute Content-Length from the encoded body: String(body.byteLength).',
          section: 'Handling the Content-Length Header',
        }));
      }
    }
    if (part.byteLength === 0) return;
    this.bytesSent += part.byteLength;
    let sending: void | Promise<void>;
    try {
      sending = this.transport.sendBody(part);
    } catch (error) {
      throw new TransportFailure(error);
    }
    if (!isThenable(sending)) return;
    return Promise.resolve(sending).catch((error: unknown) => {
      throw new TransportFailure(error);
    });
  }

  /** Wait for chunks passed to write() (PEP 3333 "The write() Callable"). */
  async drainWrites(): Promise<void> {
    const waiting = this.writes;
    this.writes = [];
    await Promise.all(waiting);
    if (this.writeFailure !== undefined) throw new TransportFailure(this.writeFailure.reason);
  }

  /** PEP 3333 "The write() Callable": sends the headers if needed, then the data, at once. */
  private writeNow(data: Bytes): void {
    if (this.ended) throw new Error('write() was called after the response ended');
    const chunk = checkChunk(data, 'write');
    this.writeUsed = true;
    const sending = this.emit(chunk);
    // write() can't wait (the app is synchronous): the handler waits after the app's call returns.
    // A failure is kept, not left as an unhandled rejection.
    if (sending !== undefined) {
      this.writes.push(sending.catch((error: unknown) => {
        this.writeFailure ??= { reason: error instanceof TransportFailure ? error.reason : error };
      }));
    }
  }

  /** PEP 3333 "The start_response() Callable": record status and headers; a second call only with excInfo, before headers were sent. */
  private start(status: string, headers: Header[], excInfo?: unknown): Write {
    if (this.ended) throw new Error('startResponse() was called after the response ended');
    if (excInfo !== undefined && excInfo !== null) {
      // "...if the headers have already been sent, start_response must raise an error, and should re-raise using the exc_info tuple."
      if (this.sent !== undefined) throw excInfo;
    } else if (this.pending !== undefined) {
      throw new WsgiViolation({
        code: 'start-response-twice',
        problem: 'startResponse() was called a second time without excInfo',
        rule: 'startResponse() is called once; a second call must pass excInfo, and only before headers were sent.',
        fix: 'Call startResponse() once per request, or pass the caught error as the third argument to replace the status.',
        section: 'The start_response() Callable',
      });
    }
    const code = parseStatus(status);
    const list = checkHeaders(headers);
    this.pending = { status, code, headers: list, contentLength: declaredContentLength(list) };
    return this.write;
  }
}
