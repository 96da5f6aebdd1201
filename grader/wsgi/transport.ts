/**
 * What the shared handler (handler.ts) needs from a server: a transport that
 * puts the response on the wire, and the hooks for its log and errors.
 */
import type { LogSink } from './log.ts';
import type { Environ, Header } from './types.ts';

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
