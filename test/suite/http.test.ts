/**
 * runtime/http.ts: one request as a test sends it, against real servers on
 * loopback — node:http for well-formed answers, raw node:net for broken ones.
 */
import { once } from 'node:events';
import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import { connect as netConnect, createServer as createNetServer, type AddressInfo, type Server as NetServer, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient, prepareRequest, send } from '../../grader/suite/runtime/http.ts';

async function listen<S extends HttpServer | NetServer>(server: S): Promise<string> {
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

describe('send() to a well-formed server', () => {
  let server: HttpServer;
  let url: string;
  beforeAll(async () => {
    server = createHttpServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        if (req.url === '/slow') return; // never answers
        if (req.url === '/late') {
          setTimeout(() => res.end('late but here'), 400);
          return;
        }
        if (req.url === '/huge') {
          res.writeHead(200, { 'Content-Type': 'application/octet-stream' });
          const block = Buffer.alloc(1024 * 1024, 0x61);
          for (let i = 0; i < 9; i++) res.write(block);
          res.end();
          return;
        }
        res.writeHead(201, 'Made It', [
          ['Set-Cookie', 'a=1'],
          ['X-Seen-Encoding', String(req.headers['transfer-encoding'] ?? 'none')],
          ['Set-Cookie', 'b=2'],
        ]);
        res.end(`${req.method} ${req.url} ${Buffer.concat(chunks).toString()}`);
      });
    });
    url = await listen(server);
  });
  afterAll(() => {
    server.closeAllConnections();
    server.close();
  });

  it('gives status, reason, raw headers in order (repeats kept) and the whole body', async () => {
    const client = createClient(url);
    const result = await send(client, prepareRequest('POST', '/todos', { json: { title: 'x' } }), 2_000);
    await client.close();
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.reply.status).toBe(201);
    expect(result.reply.reason).toBe('Made It');
    expect(result.reply.rawHeaders.filter(([name]) => name === 'Set-Cookie')).toEqual([['Set-Cookie', 'a=1'], ['Set-Cookie', 'b=2']]);
    expect(result.reply.headers['set-cookie']).toBe('a=1, b=2');
    expect(result.reply.text).toBe('POST /todos {"title":"x"}');
    expect(result.reply.bytes).toBeInstanceOf(Uint8Array);
  });

  it('sends a chunked body when asked', async () => {
    const client = createClient(url);
    const result = await send(client, prepareRequest('POST', '/c', { body: 'hello', chunked: true }), 2_000);
    await client.close();
    expect(result.ok && result.reply.headers['x-seen-encoding']).toBe('chunked');
    expect(result.ok && result.reply.text).toBe('POST /c hello');
  });

  it('gives up after the time limit ("an infinite loop?"), and the client still serves the next request', async () => {
    const client = createClient(url);
    const result = await send(client, prepareRequest('GET', '/slow'), 150);
    expect(result).toMatchObject({ ok: false, error: { kind: 'timeout', message: 'no answer within 150 ms — an infinite loop?' } });
    const next = await send(client, prepareRequest('GET', '/after'), 2_000);
    await client.close();
    expect(next.ok && next.reply.text).toBe('GET /after ');
  });

  it('waits longer for a late answer while mayWaitLonger() says the delay is not the app\'s', async () => {
    const client = createClient(url);
    let asked = 0;
    const result = await send(client, prepareRequest('GET', '/late'), 150, async () => {
      asked++;
      return true;
    });
    await client.close();
    expect(result.ok && result.reply.text).toBe('late but here');
    expect(asked).toBeGreaterThanOrEqual(2);
  });

  it('gives up at the limit when mayWaitLonger() says no (a process stuck in the app)', async () => {
    const client = createClient(url);
    const result = await send(client, prepareRequest('GET', '/late'), 150, async () => false);
    await client.close();
    expect(result).toMatchObject({ ok: false, error: { kind: 'timeout', message: 'no answer within 150 ms — an infinite loop?' } });
  });

  it('waits no longer than five times the limit in all, whatever mayWaitLonger() says', async () => {
    const client = createClient(url);
    const result = await send(client, prepareRequest('GET', '/slow'), 100, async () => true);
    await client.close();
    expect(result).toMatchObject({ ok: false, error: { kind: 'timeout', message: 'no answer within 500 ms — an infinite loop?' } });
  });

  it('stops reading a body over 8 MiB', async () => {
    const client = createClient(url);
    const result = await send(client, prepareRequest('GET', '/huge'), 5_000);
    await client.destroy();
    expect(!result.ok && result.error.kind).toBe('too-large');
  });
});

describe('send() to a broken server', () => {
  let server: NetServer;
  let url: string;
  let answer: (socket: Socket) => void = () => undefined;
  beforeAll(async () => {
    server = createNetServer((socket) => {
      socket.on('error', () => undefined);
      socket.once('data', () => answer(socket));
    });
    url = await listen(server);
  });
  afterAll(() => server.close());

  async function sendOnce(): Promise<Awaited<ReturnType<typeof send>>> {
    const client = createClient(url);
    try {
      return await send(client, prepareRequest('GET', '/'), 2_000);
    } finally {
      await client.destroy();
    }
  }

  it('a connection closed mid-body is a connection error', async () => {
    answer = (socket) => socket.end('HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc');
    expect(await sendOnce()).toMatchObject({ ok: false, error: { kind: 'connection', message: 'the connection closed before a complete response came' } });
  });

  it('bytes that are not HTTP/1.1 say so', async () => {
    answer = (socket) => socket.end('NOT HTTP AT ALL\r\n\r\n');
    const result = await sendOnce();
    expect(!result.ok && result.error.message).toMatch(/^the response is not valid HTTP\/1\.1/);
  });

  it('a refused connection says the app process may be gone', async () => {
    const closed = createNetServer();
    const gone = await listen(closed);
    closed.close();
    await once(closed, 'close');
    const client = createClient(gone);
    const result = await send(client, prepareRequest('GET', '/'), 2_000);
    await client.destroy();
    expect(!result.ok && result.error.message).toBe('the app process refused the connection (is it still running?)');
  });
});

describe('raw requests: the exact bytes, over the connect function given', () => {
  let server: NetServer;
  let url: string;
  let received = '';
  let answer = '';
  beforeAll(async () => {
    server = createNetServer((socket) => {
      socket.on('error', () => undefined);
      socket.on('data', (chunk: Buffer) => {
        received += chunk.toString('latin1');
        if (!received.includes('\r\n\r\n')) return;
        if (answer.includes('Connection: close')) socket.end(answer);
        else socket.write(answer);
      });
    });
    url = await listen(server);
  });
  afterAll(() => server.close());

  async function sendRaw(method: string, target: string, options: Parameters<typeof prepareRequest>[2], reply: string) {
    received = '';
    answer = reply;
    let opened = 0;
    const port = Number(new URL(url).port);
    const client = createClient(url, () => {
      opened += 1;
      return netConnect({ host: '127.0.0.1', port });
    });
    const result = await send(client, prepareRequest(method, target, options), 2_000);
    await client.destroy();
    return { result, opened };
  }

  it('writes no Content-Length when none is given, and records exactly what it wrote', async () => {
    const { result, opened } = await sendRaw('POST', '/todos', { headers: { 'Content-Type': 'application/json' }, raw: true },
      'HTTP/1.1 400 Bad Request\r\nContent-Type: application/json\r\nContent-Length: 15\r\n\r\n{"error":"no"}\n');
    expect(received).toBe(`POST /todos HTTP/1.1\r\nHost: ${new URL(url).host}\r\nContent-Type: application/json\r\n\r\n`);
    expect(Buffer.from(result.wire).toString('latin1')).toBe(received);
    expect(opened).toBe(1);
    expect(result.ok && [result.reply.status, result.reply.reason, result.reply.text]).toEqual([400, 'Bad Request', '{"error":"no"}\n']);
  });

  it('reads chunked answers, answers framed by the close, and none for HEAD', async () => {
    const chunked = await sendRaw('GET', '/', { raw: true }, 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3;x=1\r\nabc\r\n2\r\nde\r\n0\r\nX-Trailer: 1\r\n\r\n');
    expect(chunked.result.ok && chunked.result.reply.text).toBe('abcde');
    const closed = await sendRaw('GET', '/', { raw: true }, 'HTTP/1.1 200 OK\r\nConnection: close\r\n\r\nuntil the end');
    expect(closed.result.ok && closed.result.reply.text).toBe('until the end');
    const head = await sendRaw('HEAD', '/', { raw: true }, 'HTTP/1.1 200 OK\r\nContent-Length: 99\r\n\r\n');
    expect(head.result.ok && [head.result.reply.status, head.result.reply.bytes.length]).toEqual([200, 0]);
  });

  it('a chunked raw body is framed, the headers still exactly as given', async () => {
    await sendRaw('POST', '/x', { headers: { 'Transfer-Encoding': 'deflate, chunked' }, body: 'abc', chunked: true, raw: true },
      'HTTP/1.1 501 Not Implemented\r\nContent-Length: 0\r\n\r\n');
    expect(received).toBe(`POST /x HTTP/1.1\r\nHost: ${new URL(url).host}\r\nTransfer-Encoding: deflate, chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n`);
  });

  it('the undici path takes its connections from the connect function too, and records its bytes', async () => {
    const { result, opened } = await sendRaw('POST', '/todos', { headers: { 'Content-Type': 'application/json' } },
      'HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok');
    expect(opened).toBe(1);
    expect(received).toContain('content-length: 0\r\n');
    expect(Buffer.from(result.wire).toString('latin1')).toBe(received);
  });
});
