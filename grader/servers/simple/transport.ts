/**
 * The simple server's {@link ResponseTransport}: a node:http ServerResponse.
 * node:http does the HTTP/1.1 framing (Content-Length or chunked, keep-alive,
 * no body for HEAD/204/304); this only maps the handler's steps onto it.
 */
import { STATUS_CODES, type IncomingMessage, type ServerResponse } from 'node:http';
import type { ResponseTransport } from '../../wsgi/handler.ts';
import type { Header } from '../../wsgi/types.ts';
import { drainedOrClosed } from '../common/drain.ts';

/**
 * A node:http response as a ResponseTransport (backpressure via 'drain',
 * client loss via 'close'). A class, not an object literal with a getter:
 * measured under load, the literal (its accessor made anew per response) let
 * node:http's request objects outlive young-generation collections, and GC
 * cost 3.4 µs a request instead of 0.5.
 */
class NodeResponseTransport implements ResponseTransport {
  /** node:http adds Date (res.sendDate) from its own once-a-second cache, without validating it as it does a header given to it. */
  readonly addsDate = true;
  /** The body's length, when known: its last chunk can then go out with end(). */
  private expected: number | undefined;
  private written = 0;
  /** The last chunk of a known-length body, held for finish() so node:http sends it and the end in one write. */
  private last: Uint8Array | undefined;

  constructor(
    private readonly req: IncomingMessage,
    private readonly res: ServerResponse,
  ) {}

  /**
   * The client left: its socket is gone, or the response was destroyed before it finished
   * (read from node:http's state rather than a 'close' listener per response).
   */
  get clientGone(): boolean {
    return this.req.socket.destroyed || (this.res.destroyed && !this.res.writableFinished);
  }

  sendHead(status: string, code: number, headers: Header[], contentLength: number | undefined): void {
    // One flat [name, value, …] list, in the app's order: repeated names (Set-Cookie) stay
    // separate fields, and node:http takes the list as it is instead of header by header.
    const fields: string[] = [];
    let hasLength = false;
    for (const [name, value] of headers) {
      fields.push(name, value);
      if (!hasLength && name.length === 14 && name.toLowerCase() === 'content-length') hasLength = true;
    }
    if (contentLength !== undefined && !hasLength) fields.push('Content-Length', String(contentLength));
    this.expected = contentLength;
    // node:http checks a reason phrase it is given for bad characters; its own for the code needs no check.
    const reason = status.slice(4);
    if (reason === STATUS_CODES[code]) this.res.writeHead(code, fields);
    else this.res.writeHead(code, reason, fields);
  }

  sendBody(chunk: Uint8Array): void | Promise<void> {
    this.written += chunk.byteLength;
    if (this.written === this.expected && this.last === undefined) {
      this.last = chunk;
      return;
    }
    if (this.res.write(chunk) || this.clientGone) return;
    return drainedOrClosed(this.res);
  }

  finish(): void {
    const chunk = this.last;
    this.last = undefined;
    if (chunk === undefined) this.res.end();
    else this.res.end(chunk);
  }

  abort(): void {
    // A response that can't be completed must not look complete: close the
    // connection (PEP 3333 "Error Handling"). end(), not destroy(): the bytes
    // already given (status line, first chunks) should still reach the client.
    const socket = this.req.socket;
    if (socket.destroyed) return;
    // The bytes the handler already gave are sent, as if they had been written at once.
    if (this.last !== undefined) this.res.write(this.last);
    this.last = undefined;
    // node:http corks the response until the next tick, and newer Node (24) keeps a
    // chunked body's pieces in the response itself meanwhile: hand them to the socket first.
    while (this.res.writableCorked > 0) this.res.uncork();
    socket.once('finish', () => socket.destroy());
    socket.end();
  }
}

/** Wrap a node:http response as a ResponseTransport. */
export function nodeResponseTransport(req: IncomingMessage, res: ServerResponse): ResponseTransport {
  return new NodeResponseTransport(req, res);
}
