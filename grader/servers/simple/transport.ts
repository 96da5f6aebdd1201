/**
 * The simple server's {@link ResponseTransport}: a node:http ServerResponse.
 * node:http does the HTTP/1.1 framing (Content-Length or chunked, keep-alive,
 * no body for HEAD/204/304); this only maps the handler's steps onto it.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ResponseTransport } from '../../wsgi/handler.ts';
import type { Header } from '../../wsgi/types.ts';

/** Wrap a node:http response as a ResponseTransport (backpressure via 'drain', client loss via 'close'). */
export function nodeResponseTransport(req: IncomingMessage, res: ServerResponse): ResponseTransport {
  let gone = false;
  /** The body's length, when known: its last chunk can then go out with end(). */
  let expected: number | undefined;
  let written = 0;
  /** The last chunk of a known-length body, held for finish() so node:http sends it and the end in one write. */
  let last: Uint8Array | undefined;
  res.on('close', () => {
    // 'close' also follows a normal end; only an unfinished response means the client left.
    if (!res.writableFinished) gone = true;
  });

  return {
    get clientGone(): boolean {
      return gone || req.socket.destroyed;
    },
    sendHead(status: string, headers: Header[], contentLength: number | undefined): void {
      // Repeated names (Set-Cookie) stay separate fields: appendHeader, not setHeader.
      for (const [name, value] of headers) res.appendHeader(name, value);
      if (contentLength !== undefined && !res.hasHeader('content-length')) {
        res.setHeader('Content-Length', String(contentLength));
      }
      expected = contentLength;
      res.writeHead(Number(status.slice(0, 3)), status.slice(4));
    },
    sendBody(chunk: Uint8Array): void | Promise<void> {
      written += chunk.byteLength;
      if (written === expected && last === undefined) {
        last = chunk;
        return;
      }
      if (res.write(chunk) || gone || req.socket.destroyed) return;
      return new Promise<void>((resolve) => {
        const done = (): void => {
          res.off('drain', done);
          res.off('close', done);
          resolve();
        };
        res.on('drain', done);
        res.on('close', done);
      });
    },
    finish(): void {
      const chunk = last;
      last = undefined;
      if (chunk === undefined) res.end();
      else res.end(chunk);
    },
    abort(): void {
      // A response that can't be completed must not look complete: close the
      // connection (PEP 3333 "Error Handling"). end(), not destroy(): node:http
      // corks the socket until the next tick, and the bytes already sent
      // (status line, first chunks) should still reach the client.
      const socket = req.socket;
      if (socket.destroyed) return;
      // The bytes the handler already gave are sent, as if they had been written at once.
      if (last !== undefined) res.write(last);
      last = undefined;
      socket.once('finish', () => socket.destroy());
      socket.end();
    },
  };
}
