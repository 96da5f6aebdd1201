/**
 * One HTTP request to an app process, the way a test sends it: undici with a
 * keep-alive Client per app process, a hard per-request time limit, and the
 * raw status line and headers kept for the transcript.
 */
import { Readable } from 'node:stream';
import { Client, errors as undiciErrors } from 'undici';
import type { Reply, RequestOptions } from '../define.ts';

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

export async function send(client: Client, request: PreparedRequest, timeoutMs: number): Promise<SendResult> {
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), timeoutMs);
  try {
    const response = await client.request({
      method: request.method,
      path: request.target,
      headers: request.headers.flat(),
      // A stream has no known length: undici sends it with Transfer-Encoding: chunked.
      body: request.body === undefined ? null : request.chunked ? Readable.from([Buffer.from(request.body)]) : Buffer.from(request.body),
      signal: abort.signal,
      responseHeaders: 'raw',
      // Our own timer decides; undici's are only a backstop.
      headersTimeout: timeoutMs + 1_000,
      bodyTimeout: timeoutMs + 1_000,
    });
    const bytes = await readBody(response.body, abort);
    if (bytes === undefined) {
      return { ok: false, error: { kind: 'too-large', message: `the response body is larger than ${MAX_RESPONSE_BYTES / 1024 / 1024} MiB` } };
    }
    const rawHeaders = pairs(response.headers as unknown as string[]);
    return {
      ok: true,
      reply: {
        status: response.statusCode,
        ...(response.statusText ? { reason: response.statusText } : {}),
        headers: joinHeaders(rawHeaders),
        rawHeaders,
        bytes,
        text: Buffer.from(bytes).toString('utf8'),
      },
    };
  } catch (error) {
    if (abort.signal.aborted) {
      return { ok: false, error: { kind: 'timeout', message: `no answer within ${formatDuration(timeoutMs)} — an infinite loop?` } };
    }
    return { ok: false, error: { kind: 'connection', message: connectionMessage(error) } };
  } finally {
    clearTimeout(timer);
  }
}

async function readBody(body: AsyncIterable<Buffer>, abort: AbortController): Promise<Uint8Array | undefined> {
  const parts: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    size += chunk.length;
    if (size > MAX_RESPONSE_BYTES) {
      abort.abort();
      return undefined;
    }
    parts.push(chunk);
  }
  return new Uint8Array(Buffer.concat(parts, size));
}

function pairs(flat: string[]): Array<[string, string]> {
  const out: Array<[string, string]> = [];
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
