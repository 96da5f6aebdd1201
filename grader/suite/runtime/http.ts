/**
 * One HTTP request to an app process, the way a test sends it: undici with a
 * keep-alive Client per app process, or, where the test is about headers a
 * client library adds or changes (a POST with no Content-Length at all),
 * the exact bytes over a plain connection. Either way the bytes written to
 * the socket are kept: the transcript shows them and the curl line replays
 * them. A hard per-request time limit; the raw status line and headers kept.
 */
import { createRequire } from 'node:module';
import { connect as netConnect, type Socket } from 'node:net';
import { Readable } from 'node:stream';
import type { Client as UndiciClient, Dispatcher } from 'undici';
import type { Reply, RequestOptions } from '../define.ts';
import { formatDuration, MAX_WAIT_FACTOR, noAnswer, startDeadline, type MayWaitLonger } from './deadline.ts';
import { sendRaw, type TransportError } from './raw-http.ts';
import { errorMessage } from '../../common/error-message.ts';

/**
 * undici's Client and its errors, and nothing else of undici: its index loads
 * every part (fetch, cookies, WebSocket, mocks, caches), and an ES import of
 * that CommonJS package is scanned for its exports too — together ~60 ms of
 * a vitest worker's start, more than its whole client. The same module
 * instances as `import { Client } from 'undici'` (one require cache).
 */
const require = createRequire(import.meta.url);

/**
 * One file of undici; from its index instead, should a later undici move that
 * file or change what it exports (`usable` says whether it still is the part).
 */
function undiciPart<T>(file: string, usable: (part: unknown) => boolean, fromIndex: (undici: typeof import('undici')) => T): T {
  try {
    const part: unknown = require(`undici/${file}`);
    if (usable(part)) return part as T;
  } catch {
    // Moved: the index below.
  }
  return fromIndex(require('undici') as typeof import('undici'));
}

const Client = undiciPart('lib/dispatcher/client.js', (part) => typeof part === 'function', (undici) => undici.Client);
const undiciErrors = undiciPart(
  'lib/core/errors.js',
  (part) => typeof (part as { SocketError?: unknown } | null)?.SocketError === 'function',
  (undici) => undici.errors,
);
type Client = UndiciClient;

/** A response body larger than this is not a to-do API answer: stop reading. */
export const MAX_RESPONSE_BYTES = 8 * 1024 * 1024;
/** How long opening a connection may take. */
const CONNECT_TIMEOUT_MS = 2_000;

/**
 * Opens one connection to an app process. Every connection the grader's
 * requests use comes from the one its client was given, so whoever starts
 * the app decides how its connections are made.
 */
export type Connect = () => Socket;

/** A plain TCP connection to the host and port of `url`. */
export function connectTo(url: string): Connect {
  const origin = new URL(url);
  const host = origin.hostname.replace(/^\[|\]$/g, '');
  const port = Number(origin.port || '80');
  return () => netConnect({ host, port });
}

export interface PreparedRequest {
  method: string;
  target: string;
  /**
   * Headers in the order the test gave them. Sent through the HTTP client,
   * it adds Host, Connection and the framing (Content-Length or
   * Transfer-Encoding); sent raw, only Host (unless given).
   */
  headers: Array<[string, string]>;
  body?: Uint8Array;
  chunked: boolean;
  /** Written byte for byte over a plain connection (RequestOptions.raw). */
  raw: boolean;
}

export type { TransportError } from './raw-http.ts';

/** The outcome of a request, and the bytes written to the connection for it (all of them, or as far as it got). */
export type SendResult = { ok: true; reply: Reply; wire: Uint8Array } | { ok: false; error: TransportError; wire: Uint8Array };

/** Build what goes on the wire from a test's RequestOptions. */
export function prepareRequest(method: string, target: string, options: RequestOptions = {}): PreparedRequest {
  const headers: Array<[string, string]> = Object.entries(options.headers ?? {});
  let body: Uint8Array | undefined;
  if (options.json !== undefined) {
    body = Buffer.from(JSON.stringify(options.json), 'utf8');
    if (!headers.some(([name]) => name.toLowerCase() === 'content-type')) headers.push(['Content-Type', 'application/json']);
  } else if (typeof options.body === 'string') {
    body = Buffer.from(options.body, 'utf8');
  } else if (options.body !== undefined) {
    body = options.body;
  }
  const chunked = options.chunked === true && body !== undefined;
  return { method, target, headers, ...(body === undefined ? {} : { body }), chunked, raw: options.raw === true };
}

function hasHeader(headers: ReadonlyArray<readonly [string, string]>, name: string): boolean {
  return headers.some(([key]) => key.toLowerCase() === name);
}

/**
 * Headers as the transcript shows a request that was never written (the
 * grader refused to send it again): what would have been sent.
 */
export function transcriptHeaders(request: PreparedRequest): Array<[string, string]> {
  const headers = [...request.headers];
  if (request.raw) return headers;
  if (request.chunked) headers.push(['Transfer-Encoding', 'chunked']);
  else if (request.body !== undefined) headers.push(['Content-Length', String(request.body.length)]);
  return headers;
}

/** The exact bytes of a raw request: request line, Host (unless given), the headers as given, the body (chunk-framed when chunked). */
export function rawRequestBytes(request: PreparedRequest, host: string): Buffer {
  const lines = [`${request.method} ${request.target} HTTP/1.1`];
  if (!hasHeader(request.headers, 'host')) lines.push(`Host: ${host}`);
  for (const [name, value] of request.headers) lines.push(`${name}: ${value}`);
  const head = Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, 'latin1');
  const body = request.body;
  if (body === undefined) return head;
  if (!request.chunked) return Buffer.concat([head, body]);
  const chunk = body.length === 0 ? '' : `${body.length.toString(16)}\r\n`;
  return Buffer.concat([head, Buffer.from(chunk, 'latin1'), body, Buffer.from(body.length === 0 ? '0\r\n\r\n' : '\r\n0\r\n\r\n', 'latin1')]);
}

export { formatDuration } from './deadline.ts';

type ConnectCallback = (...args: [null, Socket] | [Error, null]) => void;

/**
 * The grader's connection to one app process: a keep-alive undici Client
 * for ordinary requests, the same connect function for raw ones, and a tap
 * on every socket that keeps the bytes written for the request under way.
 */
export class AppClient {
  readonly url: string;
  /** The Host header of a request: the authority of `url`. */
  readonly host: string;
  readonly connect: Connect;
  readonly pool: Client;
  /** Bytes written since the current request began (requests on one client are sequential). */
  tape: Buffer[] | undefined;

  constructor(url: string, connect: Connect = connectTo(url)) {
    this.url = url;
    this.host = new URL(url).host;
    this.connect = connect;
    // pipelining 1: requests of a test are strictly sequential, as a browser would send them.
    this.pool = new Client(url, { pipelining: 1, keepAliveTimeout: 2_000, connect: (_options: unknown, callback: ConnectCallback) => this.open(callback) });
  }

  close(): Promise<void> {
    return this.pool.close();
  }

  destroy(): Promise<void> {
    return this.pool.destroy();
  }

  /** undici's connector: a socket from `connect`, tapped, handed over once connected. */
  private open(callback: ConnectCallback): void {
    let socket: Socket;
    try {
      socket = this.tap(this.connect());
    } catch (error) {
      callback(error instanceof Error ? error : new Error(String(error)), null);
      return;
    }
    // As undici's own connector: a request's head and body go out at once, not held back by Nagle's algorithm.
    socket.setNoDelay(true);
    if (!socket.connecting && !socket.destroyed) {
      callback(null, socket);
      return;
    }
    const finish = (error: Error | undefined): void => {
      clearTimeout(timer);
      socket.off('connect', onConnect);
      socket.off('error', onError);
      if (error === undefined) callback(null, socket);
      else callback(error, null);
    };
    const onConnect = (): void => finish(undefined);
    const onError = (error: Error): void => finish(error);
    const timer = setTimeout(() => {
      socket.destroy();
      finish(new Error(`connect timed out after ${formatDuration(CONNECT_TIMEOUT_MS)}`));
    }, CONNECT_TIMEOUT_MS);
    socket.once('connect', onConnect);
    socket.once('error', onError);
  }

  /** Keep a copy of what is written to `socket` while a request is under way. */
  tap(socket: Socket): Socket {
    const write = socket.write;
    const keep = (chunk: unknown, encoding: unknown): void => {
      const tape = this.tape;
      if (tape === undefined) return;
      if (typeof chunk === 'string') tape.push(Buffer.from(chunk, typeof encoding === 'string' ? (encoding as BufferEncoding) : 'utf8'));
      else if (chunk instanceof Uint8Array) tape.push(Buffer.from(chunk));
    };
    socket.write = function (this: Socket, ...args: unknown[]): boolean {
      keep(args[0], args[1]);
      return Reflect.apply(write, this, args) as boolean;
    } as Socket['write'];
    return socket;
  }
}

/** The grader's client for the app at `url`; every connection comes from `connect` (default: TCP to the URL's host and port). */
export function createClient(url: string, connect?: Connect): AppClient {
  return new AppClient(url, connect);
}

function replyOf(status: number, reason: string, rawHeaders: Array<[string, string]>, bytes: Uint8Array): Reply {
  return {
    status,
    ...(reason ? { reason } : {}),
    headers: joinHeaders(rawHeaders),
    rawHeaders,
    bytes,
    text: Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8'),
  };
}

/**
 * Send one request and collect its whole response: raw requests byte for
 * byte over a connection of their own, the others through undici.
 */
export async function send(client: AppClient, request: PreparedRequest, timeoutMs: number, mayWaitLonger?: MayWaitLonger): Promise<SendResult> {
  if (!request.raw) return sendThroughClient(client, request, timeoutMs, mayWaitLonger);
  const bytes = rawRequestBytes(request, client.host);
  const result = await sendRaw(client.connect, bytes, request.method, timeoutMs, MAX_RESPONSE_BYTES, mayWaitLonger);
  if (!result.ok) return { ok: false, error: result.error, wire: result.written ? bytes : new Uint8Array(0) };
  const { response } = result;
  return { ok: true, reply: replyOf(response.status, response.reason, response.rawHeaders, new Uint8Array(response.body)), wire: bytes };
}

/**
 * Client.dispatch with a plain handler rather than client.request(): the
 * response body arrives as chunks, with no Readable stream and async
 * iterator in between — most of what a request cost the grader, which sends
 * hundreds per submission.
 */
function sendThroughClient(client: AppClient, request: PreparedRequest, timeoutMs: number, mayWaitLonger?: MayWaitLonger): Promise<SendResult> {
  const tape: Buffer[] = [];
  client.tape = tape;
  const wire = (): Uint8Array => {
    if (client.tape === tape) client.tape = undefined;
    return new Uint8Array(Buffer.concat(tape));
  };
  return new Promise((resolve) => {
    let settled = false;
    let abort: ((reason?: Error) => void) | undefined;
    let status = 0;
    let reason = '';
    let rawHeaders: Array<[string, string]> = [];
    const parts: Buffer[] = [];
    let size = 0;
    const settle = (result: { ok: true; reply: Reply } | { ok: false; error: TransportError }): void => {
      if (settled) return;
      settled = true;
      cancelDeadline();
      resolve({ ...result, wire: wire() });
    };
    /** Give up on the request: its connection is closed (it can't carry another with a response pending). */
    const stop = (error: TransportError): void => {
      settle({ ok: false, error });
      abort?.(new Error(error.message));
    };
    // undici calls onConnect once the request is written to a connected socket: before that, the app never saw it.
    const cancelDeadline = startDeadline(timeoutMs, (waited) => stop(abort === undefined
      ? { kind: 'connection', message: `could not connect to the app process within ${formatDuration(waited)}` }
      : { kind: 'timeout', message: noAnswer(waited) }), mayWaitLonger);
    const handler: Dispatcher.DispatchHandler = {
      onConnect(abortRequest) {
        abort = abortRequest;
        if (settled) abortRequest();
      },
      onHeaders(statusCode, headers, _resume, statusText) {
        status = statusCode;
        reason = statusText;
        rawHeaders = pairs(headers);
        return true;
      },
      onData(chunk) {
        size += chunk.length;
        if (size > MAX_RESPONSE_BYTES) {
          stop({ kind: 'too-large', message: `the response body is larger than ${MAX_RESPONSE_BYTES / 1024 / 1024} MiB` });
          return false;
        }
        parts.push(chunk);
        return true;
      },
      onComplete() {
        settle({ ok: true, reply: replyOf(status, reason, rawHeaders, new Uint8Array(Buffer.concat(parts, size))) });
      },
      onError(error) {
        settle({ ok: false, error: { kind: 'connection', message: connectionMessage(error) } });
      },
    };
    try {
      client.pool.dispatch({
        method: request.method as Dispatcher.HttpMethod,
        path: request.target,
        headers: request.headers.flat(),
        // A stream has no known length: undici sends it with Transfer-Encoding: chunked.
        body: request.body === undefined ? null : request.chunked ? Readable.from([Buffer.from(request.body)]) : Buffer.from(request.body),
        // Our own timer decides; undici's are only a backstop.
        headersTimeout: timeoutMs * MAX_WAIT_FACTOR + 1_000,
        bodyTimeout: timeoutMs * MAX_WAIT_FACTOR + 1_000,
      }, handler);
    } catch (error) {
      // A request undici refuses to send (say, a header value it won't write).
      settle({ ok: false, error: { kind: 'connection', message: connectionMessage(error) } });
    }
  });
}

/** Raw header lines as undici gives them (Buffers, name then value), as strings in order. */
function pairs(flat: Buffer[] | string[] | null): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  if (flat === null) return out;
  for (let i = 0; i + 1 < flat.length; i += 2) out.push([String(flat[i]), String(flat[i + 1])]);
  return out;
}

function joinHeaders(raw: Array<[string, string]>): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of raw) {
    const key = name.toLowerCase();
    headers[key] = key in headers ? `${headers[key]}, ${value}` : value;
  }
  return headers;
}

function connectionMessage(error: unknown): string {
  if (error instanceof undiciErrors.SocketError || (error instanceof Error && /ECONNRESET|other side closed|socket hang up/i.test(error.message))) {
    return 'the connection closed before a complete response came';
  }
  if (error instanceof Error && /ECONNREFUSED/.test(error.message)) return 'the app process refused the connection (is it still running?)';
  if (error instanceof undiciErrors.HTTPParserError) return `the response is not valid HTTP/1.1 (${error.message})`;
  return `the request failed: ${errorMessage(error)}`;
}
