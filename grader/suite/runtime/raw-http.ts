/**
 * One request written byte for byte over a connection of its own, for the
 * tests about headers an HTTP client would add or change (undici, as RFC
 * 9110 §8.6 lets it, adds `content-length: 0` to a POST without a body).
 * The response is read by response-reader.ts; the connection is closed
 * after it.
 */
import type { Socket } from 'node:net';
import { noAnswer, startDeadline, type MayWaitLonger } from './deadline.ts';
import { ResponseReader, ResponseSyntaxError, ResponseTooLarge, type ReadResponse } from './response-reader.ts';
import { errorMessage } from '../../common/error-message.ts';

/** Why a request produced no response. */
export type TransportError =
  | { kind: 'timeout'; message: string }
  | { kind: 'connection'; message: string }
  | { kind: 'too-large'; message: string };

export type RawResult =
  | { ok: true; response: ReadResponse }
  /** `written`: whether the request's bytes were handed to the connection. */
  | { ok: false; error: TransportError; written: boolean };

const CUT_SHORT = 'the connection closed before a complete response came';

function failureMessage(error: unknown): string {
  const code = (error as NodeJS.ErrnoException | null)?.code;
  if (code === 'ECONNREFUSED') return 'the app process refused the connection (is it still running?)';
  if (code === 'ECONNRESET' || code === 'EPIPE') return CUT_SHORT;
  return `the request failed: ${errorMessage(error)}`;
}

/** Write `bytes` on a connection from `connect`, read one response to `method`, close. */
export function sendRaw(connect: () => Socket, bytes: Uint8Array, method: string, timeoutMs: number, maxBodyBytes: number, mayWaitLonger?: MayWaitLonger): Promise<RawResult> {
  return new Promise((resolve) => {
    let socket: Socket | undefined;
    let written = false;
    let settled = false;
    const reader = new ResponseReader(method, maxBodyBytes);
    const settle = (result: RawResult): void => {
      if (settled) return;
      settled = true;
      cancelDeadline();
      socket?.destroy();
      resolve(result);
    };
    const fail = (kind: TransportError['kind'], message: string): void => settle({ ok: false, error: { kind, message } as TransportError, written });
    const cancelDeadline = startDeadline(timeoutMs, (waited) => fail('timeout', noAnswer(waited)), mayWaitLonger);
    const take = (read: () => ReadResponse | undefined): void => {
      try {
        const response = read();
        if (response !== undefined) settle({ ok: true, response });
      } catch (error) {
        if (error instanceof ResponseTooLarge) fail('too-large', `the response body is larger than ${maxBodyBytes / 1024 / 1024} MiB`);
        else if (error instanceof ResponseSyntaxError) fail('connection', `the response is not valid HTTP/1.1 (${error.message})`);
        else fail('connection', failureMessage(error));
      }
    };
    try {
      socket = connect();
    } catch (error) {
      fail('connection', failureMessage(error));
      return;
    }
    const open = socket;
    const start = (): void => {
      written = true;
      open.write(bytes);
    };
    open.on('data', (chunk: Buffer) => take(() => reader.push(chunk)));
    // A response framed by the end of the connection is complete now; any other was cut short.
    open.on('end', () => {
      const response = reader.end();
      if (response === undefined) fail('connection', CUT_SHORT);
      else settle({ ok: true, response });
    });
    open.on('close', () => fail('connection', CUT_SHORT));
    open.on('error', (error) => fail('connection', failureMessage(error)));
    if (open.connecting) open.once('connect', start);
    else start();
  });
}
