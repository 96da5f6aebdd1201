/**
 * The simple server's answer to a transfer coding it will not decode, as
 * the socket server gives it (RFC 9112 §6.1: 501 for a coding the server
 * does not understand; §6.3: 400 when chunked is not the final coding).
 * node:http decodes chunked and hands the body of `deflate, chunked` to the
 * app still deflated; it rejects a final coding other than chunked (`gzip`)
 * as a parse error, answered here instead of with its own bare 400.
 */
import type { IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import { refuseTransferCoding, type CodingRefusal } from '../common/transfer-coding.ts';
import { httpDate } from '../../wsgi/http-date.ts';
import { statusText } from '../../wsgi/status.ts';

/** The refusal for a request node:http parsed, if its Transfer-Encoding is not chunked alone. */
export function codingRefusal(req: IncomingMessage): CodingRefusal | undefined {
  if (req.headers['transfer-encoding'] === undefined) return undefined;
  const values: string[] = [];
  for (let i = 0; i + 1 < req.rawHeaders.length; i += 2) {
    if (req.rawHeaders[i]!.toLowerCase() === 'transfer-encoding') values.push(req.rawHeaders[i + 1]!);
  }
  return refuseTransferCoding(values);
}

/** The request line and Transfer-Encoding values of the bytes node:http failed to parse (its error's rawPacket). */
function headOf(packet: Buffer | undefined): { method: string; target: string; version: string; codings: string[] } | undefined {
  if (packet === undefined) return undefined;
  const text = packet.toString('latin1');
  const end = text.indexOf('\r\n\r\n');
  if (end < 0) return undefined;
  const [line = '', ...fields] = text.slice(0, end).split('\r\n');
  const request = /^(\S+) (\S+) (HTTP\/1\.[01])$/.exec(line);
  if (request === null) return undefined;
  const codings = fields.filter((field) => /^transfer-encoding\s*:/i.test(field)).map((field) => field.slice(field.indexOf(':') + 1).trim());
  return { method: request[1]!, target: request[2]!, version: request[3]!, codings };
}

/** What node:http writes for a parse error it answers itself (lib/_http_server.js). */
const DEFAULT_ANSWERS: Readonly<Record<string, string>> = {
  HPE_HEADER_OVERFLOW: 'HTTP/1.1 431 Request Header Fields Too Large\r\nConnection: close\r\n\r\n',
  HPE_CHUNK_EXTENSIONS_OVERFLOW: 'HTTP/1.1 413 Payload Too Large\r\nConnection: close\r\n\r\n',
  ERR_HTTP_REQUEST_TIMEOUT: 'HTTP/1.1 408 Request Timeout\r\nConnection: close\r\n\r\n',
};

export interface RefusedRequest {
  method: string;
  target: string;
  version: string;
  status: number;
  bytes: number;
}

/**
 * A 'clientError' listener: a transfer coding node:http refused to parse is
 * answered 501 or 400 with a reason, as the socket server does; any other
 * parse error as node:http would answer it without a listener.
 * `refused` hears of each request answered with a reason (for the access log).
 */
export function clientErrorHandler(software: string, refused: (request: RefusedRequest) => void): (error: Error & { code?: string; rawPacket?: Buffer }, socket: Socket) => void {
  return (error, socket) => {
    // As node:http: answer only on a connection nothing was written to yet (a response may be under way otherwise).
    if (!socket.writable || socket.bytesWritten !== 0) {
      socket.destroy();
      return;
    }
    const head = error.code === 'HPE_INVALID_TRANSFER_ENCODING' ? headOf(error.rawPacket) : undefined;
    const refusal = head === undefined ? undefined : refuseTransferCoding(head.codings);
    let answer: Buffer;
    if (head !== undefined && refusal !== undefined) {
      const body = Buffer.from(`${refusal.message}\n`);
      const lines =
        `HTTP/1.1 ${statusText(refusal.status)}\r\nDate: ${httpDate()}\r\nServer: ${software}\r\n` +
        `Content-Type: text/plain; charset=utf-8\r\nContent-Length: ${body.byteLength}\r\nConnection: close\r\n\r\n`;
      answer = Buffer.concat([Buffer.from(lines, 'latin1'), body]);
      refused({ method: head.method, target: head.target, version: head.version, status: refusal.status, bytes: body.byteLength });
    } else {
      answer = Buffer.from(DEFAULT_ANSWERS[error.code ?? ''] ?? 'HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n', 'latin1');
    }
    // The answer is sent before the connection closes; nothing after the bad request is read.
    socket.once('finish', () => socket.destroy());
    socket.end(answer);
  };
}
