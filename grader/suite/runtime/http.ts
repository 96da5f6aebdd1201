/**
 * One HTTP request to an app process, the way a test sends it: undici with a
 * keep-alive Client per app process, a hard per-request time limit, and the
 * raw status line and headers kept for the transcript.
 */
import { createRequire } from 'node:module';
import { Readable } from 'node:stream';
import type { Client as UndiciClient, Dispatcher } from 'undici';
import type { Reply, RequestOptions } from '../define.ts';

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
const MAX_RESPONSE_BYTES = 8 * 1024 * 1024;

export interface PreparedRequest {
  method: string;
  target: string;
  /** Headers in the order sent (Host, Content-Length and Transfer-Encoding excepted: undici adds them). */
  headers: Array<[string, string]>;
  body?: Uint8Array;
  chunked: boolean;
}

/** Why a request produced no response. */
export type TransportError =
  | { kind: 'timeout'; message: string }
  | { kind: 'connection'; message: string }
  | { kind: 'too-large'; message: string };

export type SendResult = { ok: true; reply: Reply } | { ok: false; error: TransportError };

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
  return { method, target, headers, ...(body === undefined ? {} : { body }), chunked };
}

/** Headers as they appear in the transcript: what was sent, Content-Length included. */
export function transcriptHeaders(request: PreparedRequest): Array<[string, string]> {
  const headers = [...request.headers];
  if (request.chunked) headers.push(['Transfer-Encoding', 'chunked']);
  else if (request.body !== undefined) headers.push(['Content-Length', String(request.body.length)]);
  return headers;
}

export function formatDuration(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000} s` : `${ms} ms`;
}

/** A keep-alive connection pool to one app process. */
export function createClient(url: string): Client {
  // pipelining 1: requests of a test are strictly sequential, as a browser would send them.
  return new Client(url, { pipelining: 1, keepAliveTimeout: 2_000, connect: { timeout: 2_000 } });
}

/**
 * Send one request and collect its whole response. Client.dispatch with a
 * plain handler rather than client.request(): the response body arrives as
 * chunks, with no Readable stream and async iterator in between — most of
 * what a request cost the grader, which sends hundreds per submission.
 */
export function send(client: Client, request: PreparedRequest, timeoutMs: number): Promise<SendResult> {
  return new Promise((resolve) => {
    let settled = false;
    let abort: ((reason?: Error) => void) | undefined;
    let status = 0;
    let reason = '';
    let rawHeaders: Array<[string, string]> = [];
    const parts: Buffer[] = [];
    let size = 0;
    const settle = (result: SendResult): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(result);
    };
    /** Give up on the request: its connection is closed (it can't carry another with a response pending). */
    const stop = (error: TransportError): void => {
      settle({ ok: false, error });
      abort?.(new Error(error.message));
    };
    const timer = setTimeout(() => {
      // undici calls onConnect once the request is written to a connected socket: before that, the app never saw it.
      stop(abort === undefined
        ? { kind: 'connection', message: `could not connect to the app process within ${formatDuration(timeoutMs)}` }
        : { kind: 'timeout', message: `no answer within ${formatDuration(timeoutMs)} — an infinite loop?` });
    }, timeoutMs);
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
        const bytes = new Uint8Array(Buffer.concat(parts, size));
        settle({
          ok: true,
          reply: {
            status,
            ...(reason ? { reason } : {}),
            headers: joinHeaders(rawHeaders),
            rawHeaders,
            bytes,
            text: Buffer.from(bytes).toString('utf8'),
          },
        });
      },
      onError(error) {
        settle({ ok: false, error: { kind: 'connection', message: connectionMessage(error) } });
      },
    };
    try {
      client.dispatch({
        method: request.method as Dispatcher.HttpMethod,
        path: request.target,
        headers: request.headers.flat(),
        // A stream has no known length: undici sends it with Transfer-Encoding: chunked.
        body: request.body === undefined ? null : request.chunked ? Readable.from([Buffer.from(request.body)]) : Buffer.from(request.body),
        // Our own timer decides; undici's are only a backstop.
        headersTimeout: timeoutMs + 1_000,
        bodyTimeout: timeoutMs + 1_000,
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
  return `the request failed: ${error instanceof Error ? error.message : String(error)}`;
}
