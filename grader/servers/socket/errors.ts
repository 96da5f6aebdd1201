/**
 * Error answers the server gives on its own (waitress's ErrorTask): a short
 * text/plain response, always with Connection: close, because after a
 * framing error nothing that follows on the connection can be trusted
 * (RFC 9112 §9.6, §6.3).
 */
import { statusText } from '../../wsgi/status.ts';

/** A request the server refuses, with the status it answers (RFC 9110 §15). */
export interface HttpError {
  readonly status: number;
  /** Why, for the response body and the log. Plain ASCII, one line. */
  readonly message: string;
}

// Named constructors, one per answer the server gives by itself.
export const badRequest = (message: string): HttpError => ({ status: 400, message });
export const requestTimeout = (message: string): HttpError => ({ status: 408, message });
export const contentTooLarge = (message: string): HttpError => ({ status: 413, message });
export const uriTooLong = (message: string): HttpError => ({ status: 414, message });
export const expectationFailed = (message: string): HttpError => ({ status: 417, message });
export const headerFieldsTooLarge = (message: string): HttpError => ({ status: 431, message });
export const internalServerError = (message: string): HttpError => ({ status: 500, message });
export const notImplemented = (message: string): HttpError => ({ status: 501, message });
export const versionNotSupported = (message: string): HttpError => ({ status: 505, message });

/** What an error answer is written to: the connection, which knows whether a response head already went out. */
export interface ErrorSink {
  /** True once a status line for the current request was written: a second one would corrupt the stream. */
  readonly headersSent: boolean;
  write(bytes: Uint8Array): void;
}

/** Headers every response of this server carries (RFC 9110 §6.6.1 Date, §10.2.4 Server). */
export interface ServerHeaders {
  date: string;
  server: string;
}

/** The full bytes of an error response for `error`: status line, headers, body. */
export function errorResponseBytes(error: HttpError, headers: ServerHeaders): Buffer {
  const status = statusText(error.status);
  const body = Buffer.from(`${status}\n\n${sanitize(error.message)}\n`, 'latin1');
  const head =
    `HTTP/1.1 ${status}\r\n` +
    `Date: ${headers.date}\r\n` +
    `Server: ${headers.server}\r\n` +
    'Content-Type: text/plain; charset=utf-8\r\n' +
    `Content-Length: ${body.length}\r\n` +
    'Connection: close\r\n\r\n';
  return Buffer.concat([Buffer.from(head, 'latin1'), body]);
}

/**
 * Writes the error answer unless a response head was already sent for this
 * request (then the only honest thing left is to close: PEP 3333 "Error
 * Handling"). Returns whether it wrote. The caller closes the connection.
 */
export function writeErrorResponse(sink: ErrorSink, error: HttpError, headers: ServerHeaders): boolean {
  if (sink.headersSent) return false;
  sink.write(errorResponseBytes(error, headers));
  return true;
}

/** Messages may quote bytes from the peer: keep them printable ASCII so they can't forge response lines. */
function sanitize(message: string): string {
  return message.replace(/[^\x20-\x7e]/g, '?').slice(0, 500);
}
