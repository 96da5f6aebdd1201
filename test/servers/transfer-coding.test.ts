/**
 * A transfer coding the server will not decode is refused on both servers,
 * tested with raw bytes over node:net (an HTTP client would not send them):
 * 501 for a coding other than chunked (RFC 9112 §6.1), 400 when chunked is
 * not the final coding (§6.3); the app is never called with a body still
 * coded. Plain chunked still reaches the app decoded.
 */
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type InProcessServerName, type RunningServer } from '../../grader/servers/index.ts';
import { type Application } from '../../grader/wsgi/types.ts';
import { DEFAULT_TEST_SERVERS } from '../../grader/servers/names.ts';

/** Send `bytes` on a fresh connection; the whole answer, once the server closes or after `waitMs`. */
function exchange(port: number, bytes: string, waitMs = 1_000): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port });
    let received = '';
    const timer = setTimeout(() => {
      socket.destroy();
      resolve(received);
    }, waitMs);
    socket.on('data', (chunk: Buffer) => {
      received += chunk.toString('latin1');
    });
    socket.on('close', () => {
      clearTimeout(timer);
      resolve(received);
    });
    socket.on('error', (error) => {
      clearTimeout(timer);
      if (received === '') reject(error);
      else resolve(received);
    });
    socket.write(bytes, 'latin1');
  });
}

const request = (codings: string, body: string): string =>
  `POST /echo HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: text/plain\r\nTransfer-Encoding: ${codings}\r\nConnection: close\r\n\r\n${body}`;

/** "abc" chunked; the bytes of a coded body do not matter: it must not reach the app. */
const CHUNKED_ABC = '3\r\nabc\r\n0\r\n\r\n';

describe.each(DEFAULT_TEST_SERVERS as readonly InProcessServerName[])('%s server', (name) => {
  let running: RunningServer;
  const bodies: string[] = [];
  const echo: Application = (environ, startResponse) => {
    const declared = environ.CONTENT_LENGTH;
    const body = environ['wsgi.input'].read(declared ? Number(declared) : 0);
    bodies.push(Buffer.from(body).toString('latin1'));
    startResponse('200 OK', [['Content-Type', 'text/plain']]);
    return [body];
  };

  beforeAll(async () => {
    running = await startServer(name, echo, { log: () => undefined });
  });
  afterAll(() => running.close());

  it.each([
    ['deflate, chunked', CHUNKED_ABC, 501, 'deflate'],
    ['gzip, chunked', CHUNKED_ABC, 501, 'gzip'],
    ['gzip', 'abc', 501, 'gzip'],
    ['identity', 'abc', 501, 'identity'],
    ['chunked, gzip', CHUNKED_ABC, 400, 'final'],
  ])('Transfer-Encoding: %s, body %j → %i (%s); the app is not called', async (codings, body, status, reason) => {
    bodies.length = 0;
    const answer = await exchange(running.port, request(codings, body));
    expect(answer.split('\r\n')[0]).toMatch(new RegExp(`^HTTP/1\\.1 ${status} `));
    expect(answer).toContain(reason);
    expect(answer.toLowerCase()).toContain('connection: close');
    expect(bodies).toEqual([]);
  });

  it('Transfer-Encoding: chunked reaches the app decoded', async () => {
    bodies.length = 0;
    const answer = await exchange(running.port, request('chunked', CHUNKED_ABC));
    expect(answer.split('\r\n')[0]).toBe('HTTP/1.1 200 OK');
    expect(bodies).toEqual(['abc']);
  });
});
