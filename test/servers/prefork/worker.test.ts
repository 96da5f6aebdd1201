/**
 * worker.ts in this process: fed by a plain listener standing in for the
 * master, a worker serves each connection it is given with the socket
 * server's parser, but as gunicorn's sync worker does — one request per
 * connection, `Connection: close`, wsgi.multiprocess true — and says which
 * worker it is in the environ and in its log.
 */
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { request } from 'undici';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { serverSoftware } from '../../../grader/servers/common/software.ts';
import { startPreforkWorker } from '../../../grader/servers/prefork/worker.ts';
import type { SocketService } from '../../../grader/servers/socket/service.ts';
import type { Application } from '../../../grader/wsgi/types.ts';
import { bytes } from '../apps.ts';
import { RawClient, exchange } from '../socket/helpers.ts';

/** What the master would report as SERVER_PORT: not the port the test listens on. */
const MASTER_PORT = 40_404;

/** The environ's scalar values as JSON (booleans and numbers too: multiprocess, prefork.worker). */
const environJson: Application = (environ, startResponse) => {
  const scalars: Record<string, string | number | boolean> = {};
  for (const [key, value] of Object.entries(environ)) {
    if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') scalars[key] = value;
  }
  if (environ.PATH_INFO === '/throw') throw new Error('thrown on purpose');
  startResponse('200 OK', [['Content-Type', 'application/json']]);
  return [bytes(JSON.stringify(scalars))];
};

interface Fed {
  port: number;
  worker: SocketService;
  logs: string[];
  close(): Promise<void>;
}

/** A listener that hands every connection to a worker, as the master does (pauseOnConnect: no byte read before). */
async function feed(app: Application, index: number): Promise<Fed> {
  const logs: string[] = [];
  const worker = startPreforkWorker(app, { worker: index, masterPort: MASTER_PORT, log: (line) => logs.push(line) });
  const server: Server = createServer({ pauseOnConnect: true, allowHalfOpen: true }, (socket: Socket) => worker.accept(socket));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    worker,
    logs,
    async close() {
      const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
      await worker.close();
      await stopped;
    },
  };
}

let fed: Fed;
beforeAll(async () => {
  fed = await feed(environJson, 3);
});
beforeEach(() => {
  fed.logs.length = 0;
});
afterAll(() => fed.close());

async function environOf(raw: string): Promise<Record<string, unknown>> {
  const text = await exchange(fed.port, raw);
  return JSON.parse(text.slice(text.indexOf('\r\n\r\n') + 4)) as Record<string, unknown>;
}

describe('a prefork worker', () => {
  it('tells the app it may run in several processes at once, one request at a time each', async () => {
    const response = await request(`http://127.0.0.1:${fed.port}/path?q=1`);
    const environ = (await response.body.json()) as Record<string, unknown>;
    expect(response.headers.server).toBe(serverSoftware('prefork'));
    expect(environ).toMatchObject({
      'wsgi.multiprocess': true,
      'wsgi.multithread': false,
      'wsgi.run_once': false,
      'prefork.worker': 3,
      SERVER_NAME: 'prefork.invalid',
      // The master's port, where clients connect: not the one this worker was fed from.
      SERVER_PORT: String(MASTER_PORT),
      PATH_INFO: '/path',
      QUERY_STRING: 'q=1',
    });
  });

  it('answers with Connection: close and closes the connection after one response', async () => {
    const response = await request(`http://127.0.0.1:${fed.port}/`);
    expect(response.statusCode).toBe(200);
    expect(response.headers.connection).toBe('close');
    await response.body.text();
  });

  it('closes after one response even when the client asks to keep the connection', async () => {
    const client = await RawClient.open(fed.port);
    try {
      client.write('GET /one HTTP/1.1\r\nHost: x\r\nConnection: keep-alive\r\n\r\n');
      const first = await client.response();
      expect(first.status).toBe(200);
      expect(first.headers.connection).toBe('close');
      await client.untilClosed();
    } finally {
      client.destroy();
    }
  });

  it('an HTTP/1.0 client asking keep-alive is told close too', async () => {
    const text = await exchange(fed.port, 'GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n');
    expect(text).toMatch(/^HTTP\/1\.1 200 /);
    expect(text).toMatch(/\r\nConnection: close\r\n/i);
  });

  it('answers only the first of two pipelined requests on a connection', async () => {
    const seen: string[] = [];
    const counting = await feed((environ, startResponse) => {
      const path = environ.PATH_INFO ?? '';
      seen.push(path);
      startResponse('200 OK', [['Content-Type', 'text/plain']]);
      return [bytes(path)];
    }, 1);
    try {
      const text = await exchange(counting.port, 'GET /first HTTP/1.1\r\nHost: x\r\n\r\nGET /second HTTP/1.1\r\nHost: x\r\n\r\n');
      expect(text.match(/HTTP\/1\.1 /g)).toHaveLength(1);
      expect(text).toMatch(/\r\nConnection: close\r\n/i);
      expect(text.endsWith('/first')).toBe(true);
      // The second never reached the app: a client must send it again on a new connection.
      expect(seen).toEqual(['/first']);
    } finally {
      await counting.close();
    }
  });

  it('serves each new connection in turn: the next request comes on its own connection', async () => {
    const first = await environOf('GET /a HTTP/1.1\r\nHost: x\r\n\r\n');
    const second = await environOf('GET /b HTTP/1.1\r\nHost: x\r\n\r\n');
    expect([first.PATH_INFO, second.PATH_INFO]).toEqual(['/a', '/b']);
    expect(second['prefork.worker']).toBe(3);
  });

  it('prefixes each log line with its worker: the access line and an app error', async () => {
    await exchange(fed.port, 'GET /logged HTTP/1.1\r\nHost: x\r\n\r\n');
    const failed = await exchange(fed.port, 'GET /throw HTTP/1.1\r\nHost: x\r\n\r\n');
    expect(failed).toMatch(/^HTTP\/1\.1 500 /);
    expect(fed.logs.length).toBeGreaterThanOrEqual(2);
    for (const line of fed.logs) expect(line.startsWith('[worker 3] ')).toBe(true);
    expect(fed.logs.some((line) => line.includes('"GET /logged HTTP/1.1" 200'))).toBe(true);
    expect(fed.logs.some((line) => line.includes('thrown on purpose'))).toBe(true);
  });

  it('close() lets the response in progress finish, then closes its connection', async () => {
    let produced = 0;
    const big = await feed(function* (_environ, startResponse) {
      startResponse('200 OK', [['Content-Type', 'application/octet-stream']]);
      for (let i = 0; i < 64; i++) {
        produced += 1;
        yield new Uint8Array(64 * 1024);
      }
    }, 2);
    const client = await RawClient.open(big.port);
    try {
      client.socket.pause();
      client.write('GET / HTTP/1.1\r\nHost: x\r\n\r\n');
      // Under way, and stalled on the paused reader.
      while (produced === 0) await new Promise((resolve) => setTimeout(resolve, 10));
      expect(big.worker.size).toBe(1);
      const closing = big.close();
      client.socket.resume();
      const response = await client.response();
      expect(response.body.length).toBe(64 * 64 * 1024);
      expect(response.headers.connection).toBe('close');
      await closing;
      await client.untilClosed();
      expect(big.worker.size).toBe(0);
    } finally {
      client.destroy();
    }
  });
});
