/**
 * What only the simple server does: wsgiref's environ choices, one request at
 * a time across connections, its body limit, its log.
 */
import { connect, type Socket } from 'node:net';
import { hostname } from 'node:os';
import { Readable } from 'node:stream';
import { Agent, request } from 'undici';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_MAX_BODY_BYTES, startSimpleServer } from '../../grader/servers/simple/server.ts';
import type { RunningServer, ServerOptions } from '../../grader/servers/types.ts';
import type { Application, Bytes, Environ, StartResponse } from '../../grader/wsgi/types.ts';
import { environDump, hello } from './apps.ts';

const agent = new Agent();
afterAll(() => agent.close());

let running: RunningServer | undefined;
let logs: string[] = [];
afterEach(async () => {
  await running?.close();
  running = undefined;
});

async function serve(app: Application, options: ServerOptions = {}): Promise<RunningServer> {
  logs = [];
  running = await startSimpleServer(app, { log: (line) => logs.push(line), ...options });
  return running;
}

async function dump(init: Parameters<typeof request>[1] = {}, path = '/'): Promise<Record<string, string>> {
  const server = await serve(environDump);
  const response = await request(`${server.url}${path}`, { dispatcher: agent, ...init });
  return (await response.body.json()) as Record<string, string>;
}

/** A raw HTTP client: bytes as written, so headers and framing are exactly what the test says. */
class RawClient {
  readonly socket: Socket;
  private received = '';
  /** Whether to keep what arrives (off for bulk bodies the test only needs to consume). */
  keep = true;
  private waiters: Array<() => void> = [];
  readonly ended: Promise<string>;

  constructor(port: number) {
    this.socket = connect(port, '127.0.0.1');
    this.socket.setEncoding('latin1');
    this.socket.on('data', (data: string) => {
      if (this.keep) this.received += data;
      for (const wake of this.waiters.splice(0)) wake();
    });
    this.ended = new Promise((resolve) => this.socket.on('close', () => resolve(this.received)));
    this.socket.on('error', () => undefined);
  }
  send(text: string): this {
    this.socket.write(text);
    return this;
  }
  /** Resolve once the response so far contains `text`. */
  async waitFor(text: string): Promise<string> {
    while (!this.received.includes(text)) {
      await new Promise<void>((resolve) => this.waiters.push(resolve));
    }
    return this.received;
  }
}

describe('simple server: environ like wsgiref', () => {
  it('CONTENT_TYPE is "text/plain" and CONTENT_LENGTH "" when the request has none', async () => {
    const environ = await dump();
    expect(environ.CONTENT_TYPE).toBe('text/plain');
    expect(environ.CONTENT_LENGTH).toBe('');
  });

  it('keeps header names with "_" and joins repeated headers with ","', async () => {
    const server = await serve(environDump);
    const client = new RawClient(server.port).send(
      'GET / HTTP/1.1\r\nHost: x\r\nX_Under: kept\r\nAccept: a/b\r\nX-Under: dash\r\nAccept: c/d\r\nConnection: close\r\n\r\n',
    );
    const response = await client.ended;
    const environ = JSON.parse(response.slice(response.indexOf('\r\n\r\n') + 4)) as Record<string, string>;
    expect(environ.HTTP_X_UNDER).toBe('kept,dash');
    expect(environ.HTTP_ACCEPT).toBe('a/b,c/d');
  });

  it('SERVER_NAME is the host name', async () => {
    expect((await dump()).SERVER_NAME).toBe(hostname());
  });

  it('a chunked body arrives decoded, with CONTENT_LENGTH and no HTTP_TRANSFER_ENCODING', async () => {
    const environ = await dump({ method: 'POST', body: Readable.from([Buffer.from('ab'), Buffer.from('cde')]) });
    expect(environ.CONTENT_LENGTH).toBe('5');
    expect(environ).not.toHaveProperty('HTTP_TRANSFER_ENCODING');
  });

  it('numbers requests in simple.request_number', async () => {
    const numbers: unknown[] = [];
    const server = await serve(hello, { onEnviron: (environ) => numbers.push(environ['simple.request_number']) });
    for (let i = 0; i < 3; i += 1) await (await request(server.url, { dispatcher: agent })).body.dump();
    expect(numbers).toEqual([1, 2, 3]);
  });
});

describe('simple server: one request at a time', () => {
  it('a second connection waits until the first response is done', async () => {
    const events: string[] = [];
    const chunk = new Uint8Array(1024 * 1024);
    function* big(_environ: Environ, startResponse: StartResponse): Generator<Bytes> {
      startResponse('200 OK', [['Content-Type', 'application/octet-stream']]);
      // Far more than the socket buffers hold: the response waits for the client.
      for (let i = 0; i < 32; i += 1) yield chunk;
    }
    const app: Application = (environ, startResponse) => {
      events.push(`start ${environ.PATH_INFO}`);
      if (environ.PATH_INFO !== '/big') return hello(environ, startResponse);
      return Object.assign(big(environ, startResponse), { close: () => void events.push('close /big') });
    };
    const server = await serve(app);

    const first = new RawClient(server.port).send('GET /big HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
    await first.waitFor('200 OK');
    first.socket.pause(); // stop reading: the server is now held by backpressure

    const second = new RawClient(server.port).send('GET /small HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nConnection: close\r\n\r\n');
    // node:http answers 100 Continue as it takes the request in; a server
    // without the queue would have called the app for it by now.
    await second.waitFor('100 Continue');
    expect(events).toEqual(['start /big']);

    first.keep = false;
    first.socket.resume();
    await first.ended;
    expect(await second.ended).toContain('Hello, WSGI!');
    expect(events).toEqual(['start /big', 'close /big', 'start /small']);
  });

  it('a client that leaves during its body is not passed to the app', async () => {
    const paths: string[] = [];
    const server = await serve((environ, startResponse) => {
      paths.push(environ.PATH_INFO ?? '');
      return hello(environ, startResponse);
    });
    const leaving = new RawClient(server.port).send(
      'POST /leaving HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\nExpect: 100-continue\r\n\r\n',
    );
    await leaving.waitFor('100 Continue');
    leaving.socket.end('abc');
    await leaving.ended;
    const response = await request(`${server.url}/staying`, { dispatcher: agent });
    await response.body.dump();
    // Served after the leaving request's turn (arrival order), so that turn is over.
    expect(paths).toEqual(['/staying']);
  });
});

describe('simple server: request body limit', () => {
  it(`answers 413 at once to a Content-Length over ${DEFAULT_MAX_BODY_BYTES} bytes, and closes`, async () => {
    let called = false;
    const server = await serve(() => {
      called = true;
      return [];
    });
    const client = new RawClient(server.port).send(`POST / HTTP/1.1\r\nHost: x\r\nContent-Length: ${DEFAULT_MAX_BODY_BYTES + 1}\r\n\r\n`);
    const response = await client.ended;
    expect(response).toMatch(/^HTTP\/1\.1 413 /);
    expect(response).toMatch(/\r\nConnection: close\r\n/i);
    expect(called).toBe(false);
    expect(logs.some((line) => line.includes('"POST / HTTP/1.1" 413'))).toBe(true);
  });

  it('answers 413 to a chunked body that grows over the limit', async () => {
    const server = await serve(hello, { limits: { maxBodyBytes: 16 } });
    const client = new RawClient(server.port).send(
      'POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n10\r\n0123456789abcdef\r\n1\r\nX\r\n',
    );
    expect(await client.ended).toMatch(/^HTTP\/1\.1 413 /);
  });

  it('accepts a body of exactly the limit', async () => {
    const server = await serve(hello, { limits: { maxBodyBytes: 16 } });
    const response = await request(server.url, { dispatcher: agent, method: 'POST', body: '0123456789abcdef' });
    expect(response.statusCode).toBe(200);
    await response.body.dump();
  });

  it('answers 413 instead of 100 Continue when the declared body is too large', async () => {
    const server = await serve(hello, { limits: { maxBodyBytes: 16 } });
    const client = new RawClient(server.port).send('POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 17\r\nExpect: 100-continue\r\n\r\n');
    const response = await client.ended;
    expect(response).toMatch(/^HTTP\/1\.1 413 /);
    expect(response).not.toContain('100 Continue');
  });
});

describe('simple server: log and lifecycle', () => {
  it('logs "-" for an empty body and the status the client got', async () => {
    const server = await serve((_environ, startResponse) => {
      startResponse('204 No Content', []);
      return [];
    });
    await (await request(`${server.url}/empty`, { dispatcher: agent })).body.dump();
    expect(logs).toHaveLength(1);
    expect(logs[0]).toMatch(/"GET \/empty HTTP\/1\.1" 204 -$/);
  });

  it('escapes quotes and control characters in the logged request line', async () => {
    const server = await serve(hello);
    await new RawClient(server.port).send('GET /a"b HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n').ended;
    expect(logs.find((line) => line.includes('/a'))).toContain('"GET /a\\x22b HTTP/1.1"');
  });

  it('sends "Server: simple/1.0 node/<version>"', async () => {
    const server = await serve(hello);
    const response = await request(server.url, { dispatcher: agent });
    await response.body.dump();
    expect(response.headers.server).toBe(`simple/1.0 node/${process.versions.node}`);
  });

  it('close() ends idle keep-alive connections too', async () => {
    const server = await serve(hello);
    const client = new RawClient(server.port).send('GET / HTTP/1.1\r\nHost: x\r\n\r\n');
    await client.waitFor('Hello, WSGI!');
    await server.close();
    running = undefined;
    await client.ended;
    expect(client.socket.destroyed).toBe(true);
  });

  it('serves HTTP/1.0 and reports it in SERVER_PROTOCOL', async () => {
    const server = await serve(environDump);
    const response = await new RawClient(server.port).send('GET / HTTP/1.0\r\n\r\n').ended;
    expect(response).toMatch(/^HTTP\/1\.1 200 OK/);
    expect(response).toContain('"SERVER_PROTOCOL":"HTTP/1.0"');
  });
});
