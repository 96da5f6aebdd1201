/**
 * The task (waitress's task.py): the bridge from one parsed request to the
 * shared WSGI core. It builds the environ with this server's policy, runs the
 * app through runApplication(), and implements the ResponseTransport: the
 * response's framing on the wire is decided here.
 */
import { formatAccessLine, type AccessRecord } from '../common/access-log.ts';
import type { EnvironObserver, LogSink } from '../types.ts';
import { buildEnviron, type EnvironPolicy, type RequestHead } from '../../wsgi/environ.ts';
import { isThenable } from '../../wsgi/app-result.ts';
import { runApplication, type HandlerHooks, type HandlerResult, type ResponseTransport } from '../../wsgi/handler.ts';
import { hasHeader } from '../../wsgi/response-rules.ts';
import type { MaybePromise } from '../../wsgi/steps.ts';
import type { Application, Header } from '../../wsgi/types.ts';
import type { Channel, Exchange } from './connection.ts';
import type { ParsedRequest } from './parser.ts';
import { errorMessage } from '../../common/error-message.ts';

/**
 * Where this server differs from `simple`, as waitress differs from wsgiref
 * (PEP 3333 "environ Variables" allows all of these).
 */
export const SOCKET_POLICY: Readonly<EnvironPolicy> = Object.freeze({
  // Like waitress's "waitress.invalid": no DNS lookup, and plainly not a real host name.
  serverName: 'socket.invalid',
  // Left out when the request has none (CONTENT_LENGTH is the decoded length for chunked).
  missingContentType: undefined,
  missingContentLength: undefined,
  // "X_Auth" would pass for a proxy's "X-Auth" in HTTP_X_AUTH: drop it.
  underscoreHeaders: 'drop',
  duplicateSeparator: ', ',
  // One process, one thread, one app call at a time.
  multithread: false,
  multiprocess: false,
});

export interface TaskContext {
  readonly app: Application;
  /** The environ policy: SOCKET_POLICY, or prefork's (multiprocess). */
  readonly policy: Readonly<EnvironPolicy>;
  /** Prefix of the server's extension keys (PEP 3333: named after the server), e.g. "socket". */
  readonly prefix: string;
  /** More extension keys, the same for every request (e.g. prefork.worker). */
  readonly extensions?: Readonly<Record<string, unknown>>;
  /** False: one request per connection (as gunicorn's sync workers), whatever the client asks. */
  readonly keepAlive: boolean;
  readonly hooks: HandlerHooks;
  readonly log: LogSink;
  /** wsgi.errors lines. */
  readonly errors: LogSink;
  readonly serverPort: number;
  readonly onEnviron?: EnvironObserver;
}

/** One policy per connection: its extension keys depend on the connection only. */
const POLICIES = new WeakMap<Channel, EnvironPolicy>();

function policyFor(ctx: TaskContext, channel: Channel): EnvironPolicy {
  let policy = POLICIES.get(channel);
  if (policy === undefined) {
    // PEP 3333 "environ Variables": extension keys are prefixed with the server's name.
    // Like waitress.client_disconnected: lets a long response stop early. It asks the
    // connection, so one function serves every request on it (buildEnviron copies it in).
    const extensions = {
      ...ctx.extensions,
      [`${ctx.prefix}.client_disconnected`](): boolean {
        return channel.clientGone || channel.peerEnded;
      },
    };
    policy = { ...ctx.policy, extensions: () => extensions };
    POLICIES.set(channel, policy);
  }
  return policy;
}

/** Serve one request; gives whether the connection may be reused (at once when nothing had to wait). */
export function serveRequest(ctx: TaskContext, exchange: Exchange): MaybePromise<boolean> {
  const { request, body, channel } = exchange;
  // Waited in the queue and the client left meanwhile: nobody to answer (as waitress's channel.service()).
  if (channel.clientGone) return false;
  // Read now: a closed socket forgets its peer's address.
  const remoteAddress = channel.remoteAddress;
  const head: RequestHead = {
    method: request.method,
    target: request.target,
    version: request.version,
    headers: request.headers,
    serverPort: ctx.serverPort,
    chunked: request.framing.kind === 'chunked',
  };
  if (remoteAddress !== undefined) head.remoteAddress = remoteAddress;
  const environ = buildEnviron(head, body, policyFor(ctx, channel), ctx.errors);
  if (ctx.onEnviron !== undefined) {
    try {
      ctx.onEnviron(environ);
    } catch (error) {
      ctx.log(`socket server: onEnviron hook failed: ${errorMessage(error)}`);
    }
  }
  const writer = new ResponseWriter(channel, request, ctx.keepAlive);
  const running = runApplication(ctx.app, environ, writer, ctx.hooks);
  // No closure on the common path, where the response went out without waiting.
  if (!isThenable(running)) return served(ctx, exchange, remoteAddress, writer, running);
  return running.then((result) => served(ctx, exchange, remoteAddress, writer, result));
}

/** Log the request; whether the connection may carry another. */
function served(ctx: TaskContext, exchange: Exchange, remoteAddress: string | undefined, writer: ResponseWriter, result: HandlerResult): boolean {
  const { request, arrived } = exchange;
  const record: AccessRecord = {
    time: arrived,
    method: request.method,
    target: request.target,
    version: request.version,
    status: result.status,
    bytes: result.bytesSent,
  };
  if (remoteAddress !== undefined) record.remoteAddress = remoteAddress;
  ctx.log(formatAccessLine(record));
  return result.completed && writer.keepAlive;
}

/** How the body of this response is delimited (RFC 9112 §6.3). */
type Framing = 'none' | 'length' | 'chunked' | 'close';

const CRLF = Buffer.from('\r\n', 'latin1');
/** A first chunk up to this size leaves with the head in one buffer (one write); larger ones aren't copied. */
const COALESCE_BYTES = 16 * 1024;
const LAST_CHUNK = Buffer.from('0\r\n\r\n', 'latin1');

/**
 * One response on the connection. The head is held until the first body
 * bytes (or the end), so they leave in one write.
 */
export class ResponseWriter implements ResponseTransport {
  private readonly channel: Channel;
  private readonly request: ParsedRequest;
  private framing: Framing = 'none';
  /** The head's text, until it goes out with the first body bytes or at the end. */
  private head: string | undefined;
  /** Whether the connection may carry another request after this response. */
  keepAlive: boolean;

  constructor(channel: Channel, request: ParsedRequest, keepAlive = true) {
    this.channel = channel;
    this.request = request;
    // RFC 9112 §9.3: persistence is the default, but a server may close after any response (it says so: §9.6).
    this.keepAlive = request.keepAlive && keepAlive;
  }

  get clientGone(): boolean {
    return this.channel.clientGone;
  }

  sendHead(status: string, code: number, headers: Header[], contentLength: number | undefined): void {
    const http11 = this.request.version === 'HTTP/1.1';
    let list = headers;
    // RFC 9110 §8.6: no Content-Length on a 204 (or 1xx; the core refuses 1xx).
    if (code === 204) list = list.filter(([name]) => name.toLowerCase() !== 'content-length');
    // The server's own fields, as text: written after the app's.
    let extra = '';
    const appLength = hasHeader(list, 'content-length');
    if (this.request.method === 'HEAD' || code === 204 || code === 304) {
      // RFC 9110 §9.3.2, §15.3.5, §15.4.5: no content. A HEAD response still
      // carries the Content-Length a GET would have (§8.6).
      this.framing = 'none';
      if (this.request.method === 'HEAD' && code !== 204 && code !== 304 && contentLength !== undefined && !appLength) {
        extra += `Content-Length: ${contentLength}\r\n`;
      }
    } else if (contentLength !== undefined) {
      this.framing = 'length';
      if (!appLength) extra += `Content-Length: ${contentLength}\r\n`;
    } else if (http11) {
      // RFC 9112 §7: unknown length on 1.1 → chunked, so the connection can persist.
      this.framing = 'chunked';
      extra += 'Transfer-Encoding: chunked\r\n';
    } else {
      // RFC 9112 §6.3 item 8: an HTTP/1.0 client only knows close-delimited bodies.
      this.framing = 'close';
      this.keepAlive = false;
    }
    // RFC 9112 §9.6: tell the client when we'll close; §9.3: a 1.0 client needs keep-alive spelled out.
    if (!this.keepAlive) extra += 'Connection: close\r\n';
    else if (!http11) extra += 'Connection: keep-alive\r\n';

    // Always answer HTTP/1.1: RFC 9110 §2.5, the highest version we conform to.
    let text = `HTTP/1.1 ${status}\r\n`;
    for (const [name, value] of list) text += `${name}: ${value}\r\n`;
    text += extra;
    this.head = `${text}\r\n`;
    this.channel.markHeadersSent();
  }

  sendBody(chunk: Uint8Array): void | Promise<void> {
    if (this.framing === 'none') return; // HEAD, 204, 304: the handler's bytes are dropped
    const head = this.head;
    if (head !== undefined && this.framing !== 'chunked' && chunk.byteLength <= COALESCE_BYTES) {
      // Head and a small first chunk in one buffer: one write, one packet.
      this.head = undefined;
      const bytes = Buffer.allocUnsafe(head.length + chunk.byteLength);
      // PEP 3333 "Unicode Issues": header strings are latin-1 (one byte per character).
      bytes.write(head, 0, 'latin1');
      bytes.set(chunk, head.length);
      if (!this.channel.write([bytes])) return this.channel.drained();
      return;
    }
    const parts: Uint8Array[] = this.takeHead();
    if (this.framing === 'chunked') parts.push(Buffer.from(`${chunk.byteLength.toString(16)}\r\n`, 'latin1'), chunk, CRLF);
    else parts.push(chunk);
    // Backpressure: a slow reader makes the handler wait before its next next().
    if (!this.channel.write(parts)) return this.channel.drained();
  }

  finish(): void | Promise<void> {
    const parts = this.takeHead();
    if (this.framing === 'chunked') parts.push(LAST_CHUNK); // no trailers
    if (parts.length > 0 && !this.channel.write(parts)) return this.channel.drained();
  }

  abort(): void {
    // The body can't be completed: the connection closes after what was
    // written, and the missing end tells the client (PEP 3333 "Error Handling").
    this.keepAlive = false;
    this.head = undefined;
  }

  private takeHead(): Uint8Array[] {
    const head = this.head;
    this.head = undefined;
    // PEP 3333 "Unicode Issues": header strings are latin-1.
    return head === undefined ? [] : [Buffer.from(head, 'latin1')];
  }
}
