/**
 * server.ts: start and close, the per-request hooks (log, onEnviron,
 * onAppError, validate), the environ policy, and robustness: no input may
 * crash the process or stop it serving other connections.
 */
import { connect } from 'node:net';
import { request as undiciRequest } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ServerOptions } from '../../../grader/servers/types.ts';
import type { Application, Environ } from '../../../grader/wsgi/types.ts';
import { bytes, echoBody, hello } from '../apps.ts';
import { REJECTED, VALID } from './corpus.ts';
import { RawClient, seededRandom, start, statusOf, type TestServer } from './helpers.ts';

describe('start and close', () => {
  it('listens on 127.0.0.1 and a free port by default, and serves ordinary clients', async () => {
    const server = await start(hello);
    try {
      expect(server.name).toBe('socket');
      expect(server.url).toBe(`http://127.0.0.1:${server.port}`);
      const response = await undiciRequest(`${server.url}/`);
      expect(response.statusCode).toBe(200);
      expect(await response.body.text()).toBe('Hello, WSGI!');
    } finally {
      await server.close();
    }
  });

  it('close() ends idle and half-received connections, then refuses new ones', async () => {
    const server = await start(hello);
    const idle = await RawClient.open(server.port);
    idle.write('GET / HTTP/1.1\r\nHost: x\r\n\r\n');
    await idle.response();
    const partial = await RawClient.open(server.port);
    partial.write('GET / HTTP/1.1\r\nHo');
    await server.close();
    await idle.untilClosed();
    await partial.untilClosed();
    await expect(
      new Promise((resolve, reject) => connect(server.port, '127.0.0.1').once('connect', resolve).once('error', reject)),
    ).rejects.toThrow(/ECONNREFUSED/);
    idle.destroy();
    partial.destroy();
  });

  it('close() lets a response in progress finish, then closes its connection', async () => {
    let produced = 0;
    const big: Application = function* (_environ, startResponse) {
      startResponse('200 OK', [['Content-Type', 'application/octet-stream']]);
      for (let i = 0; i < 128; i++) {
        produced += 1;
        yield new Uint8Array(64 * 1024);
      }
    };
    const server = await start(big);
    const client = await RawClient.open(server.port);
    client.socket.pause();
    client.write('GET / HTTP/1.1\r\nHost: x\r\n\r\n');
    // Wait until the response is under way and stalled on the paused reader.
    while (produced === 0) await new Promise((resolve) => setTimeout(resolve, 10));
    const closing = server.close();
    client.socket.resume();
    const response = await client.response();
    expect(response.body.length).toBe(128 * 64 * 1024);
    await closing;
    await client.untilClosed();
    client.destroy();
  });

  it('refuses invalid limits', async () => {
    await expect(start(hello, { limits: { maxBodyBytes: -1 } })).rejects.toThrow(/maxBodyBytes/);
  });
});

describe('per-request hooks', () => {
  it('logs one Common Log Format line per request', async () => {
    const server = await start(echoBody);
    try {
      await (await undiciRequest(`${server.url}/log?q=1`, { method: 'POST', body: 'abc' })).body.text();
      expect(server.logs).toEqual([expect.stringMatching(/^127\.0\.0\.1 - - \[\d{2}\/\w{3}\/\d{4}:\d{2}:\d{2}:\d{2} \+0000\] "POST \/log\?q=1 HTTP\/1\.1" 200 3$/)]);
    } finally {
      await server.close();
    }
  });

  it('shows onEnviron each environ before the app runs, with the socket policy', async () => {
    const order: string[] = [];
    const environs: Array<Readonly<Record<string, unknown>>> = [];
    const app: Application = (environ, startResponse) => {
      order.push('app');
      startResponse('200 OK', [['Content-Type', 'text/plain']]);
      return [bytes('ok')];
    };
    const server = await start(app, {
      onEnviron: (environ) => {
        order.push('onEnviron');
        environs.push(environ);
      },
    });
    try {
      const client = await RawClient.open(server.port);
      client.write('GET /p%20q?x=1 HTTP/1.1\r\nHost: h\r\nX_Spoof: 1\r\nX-Dup: a\r\nX-Dup: b\r\n\r\n');
      await client.response();
      client.write('POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nhi\r\n0\r\n\r\n');
      await client.response();
      client.destroy();
      expect(order).toEqual(['onEnviron', 'app', 'onEnviron', 'app']);
      const [get, post] = environs as [Environ, Environ];
      expect(get).toMatchObject({
        REQUEST_METHOD: 'GET',
        PATH_INFO: '/p q',
        QUERY_STRING: 'x=1',
        SERVER_NAME: 'socket.invalid',
        SERVER_PORT: String(server.port),
        SERVER_PROTOCOL: 'HTTP/1.1',
        REMOTE_ADDR: '127.0.0.1',
        HTTP_X_DUP: 'a, b',
        'wsgi.multithread': false,
        'wsgi.multiprocess': false,
      });
      expect(get).not.toHaveProperty('CONTENT_TYPE');
      expect(get).not.toHaveProperty('CONTENT_LENGTH');
      expect(get).not.toHaveProperty('HTTP_X_SPOOF');
      expect(typeof get['socket.client_disconnected']).toBe('function');
      expect(post.CONTENT_LENGTH).toBe('2');
    } finally {
      await server.close();
    }
  });

  it('forwards app errors to onAppError', async () => {
    const errors: unknown[] = [];
    const failing: Application = () => {
      throw new Error('boom');
    };
    const options: ServerOptions & { onAppError: (error: unknown) => void } = { onAppError: (error) => errors.push(error) };
    const server = await start(failing, options);
    try {
      const response = await undiciRequest(`${server.url}/`);
      await response.body.text();
      expect(response.statusCode).toBe(500);
      expect(errors).toEqual([expect.objectContaining({ message: 'boom' })]);
    } finally {
      await server.close();
    }
  });

  it('wraps the app with validate() when asked', async () => {
    // No Content-Type: legal for the server, a violation for the validator.
    const sloppy: Application = (_environ, startResponse) => {
      startResponse('200 OK', []);
      return [bytes('x')];
    };
    for (const validate of [false, true]) {
      const server = await start(sloppy, { validate });
      try {
        const response = await undiciRequest(`${server.url}/`);
        await response.body.text();
        expect(response.statusCode).toBe(validate ? 500 : 200);
      } finally {
        await server.close();
      }
    }
  });
});

describe('robustness', () => {
  let server: TestServer;
  let calls = 0;
  const app: Application = (environ, startResponse) => {
    calls += 1;
    const body = environ['wsgi.input'].read();
    startResponse('200 OK', [['Content-Type', 'application/octet-stream']]);
    return [bytes('ok:'), body];
  };
  // Tiny limits, so connections left open by garbage end quickly.
  beforeAll(async () => {
    server = await start(app, { limits: { headerTimeoutMs: 150, keepAliveTimeoutMs: 150, maxBodyBytes: 4096 } });
  });
  afterAll(() => server.close());

  /** Send `parts` on a fresh connection, maybe end our side, and wait until the server closes it. */
  async function throwAt(parts: Buffer[], end: boolean): Promise<string> {
    const client = await RawClient.open(server.port);
    try {
      for (const part of parts) client.write(part);
      if (end) client.socket.end();
      await client.untilClosed();
      return client.received.toString('latin1');
    } finally {
      client.destroy();
    }
  }

  async function stillServes(): Promise<void> {
    const response = await undiciRequest(`${server.url}/alive`, { method: 'POST', body: 'yes' });
    expect(response.statusCode).toBe(200);
    expect(await response.body.text()).toBe('ok:yes');
  }

  /** Split bytes the ways gunicorn replays its corpus: whole, by line, by byte, in random pieces. */
  function splits(raw: Buffer, random: () => number): Buffer[][] {
    const lines: Buffer[] = [];
    for (let start = 0; start < raw.length; ) {
      const lf = raw.indexOf(0x0a, start);
      const end = lf < 0 ? raw.length : lf + 1;
      lines.push(raw.subarray(start, end));
      start = end;
    }
    const pieces: Buffer[] = [];
    for (let start = 0; start < raw.length; ) {
      const size = 1 + Math.floor(random() * 7);
      pieces.push(raw.subarray(start, start + size));
      start += size;
    }
    return [[raw], lines, [...raw].map((b) => Buffer.from([b])), pieces];
  }

  it('refuses every malformed request however it is split, and never calls the app', async () => {
    const random = seededRandom(9112);
    const before = calls;
    for (const [rule, raw, status] of REJECTED) {
      for (const parts of splits(Buffer.from(raw, 'latin1'), random)) {
        const text = await throwAt(parts, false);
        expect(statusOf(text), `${rule} in ${parts.length} parts`).toBe(status);
      }
    }
    expect(calls).toBe(before);
    await stillServes();
  });

  it('serves every valid request however it is split', async () => {
    const random = seededRandom(3333);
    for (const raw of VALID) {
      for (const parts of splits(Buffer.from(raw, 'latin1'), random)) {
        const text = await throwAt(parts, true);
        expect(statusOf(text), JSON.stringify(raw)).toBe(200);
      }
    }
  });

  it('survives random bytes and mutated requests (fixed seed), then serves normally', async () => {
    const random = seededRandom(20260);
    const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
    const seeds = [...VALID, ...REJECTED.map(([, raw]) => raw)].map((raw) => Buffer.from(raw, 'latin1'));
    const interesting = [0x00, 0x0a, 0x0d, 0x20, 0x09, 0x3a, 0x3b, 0x2c, 0x30, 0x66, 0x7f, 0xff];

    function randomBuffer(): Buffer {
      const kind = random();
      if (kind < 0.25) {
        // Pure noise.
        return Buffer.from(Array.from({ length: Math.floor(random() * 2048) }, () => Math.floor(random() * 256)));
      }
      // A request with a few flipped, inserted or deleted bytes, maybe truncated, maybe doubled.
      const bytesOf = [...pick(seeds)];
      const edits = 1 + Math.floor(random() * 4);
      for (let i = 0; i < edits; i++) {
        const at = Math.floor(random() * (bytesOf.length + 1));
        const value = random() < 0.5 ? pick(interesting) : Math.floor(random() * 256);
        const op = random();
        if (op < 0.4) bytesOf[at] = value;
        else if (op < 0.7) bytesOf.splice(at, 0, value);
        else bytesOf.splice(at, 1);
      }
      let buffer = Buffer.from(bytesOf);
      if (random() < 0.2) buffer = buffer.subarray(0, Math.floor(random() * buffer.length));
      if (random() < 0.2) buffer = Buffer.concat([buffer, pick(seeds)]);
      return buffer;
    }

    const cases = Array.from({ length: 300 }, () => {
      const raw = randomBuffer();
      const parts = pick(splits(raw, random));
      return { parts, end: random() < 0.7 };
    });
    // A few connections at a time: they must not disturb one another.
    for (let i = 0; i < cases.length; i += 10) {
      const batch = cases.slice(i, i + 10).map(({ parts, end }) => throwAt(parts, end));
      const answers = await Promise.all(batch);
      for (const text of answers) {
        if (text.length > 0) expect(text).toMatch(/^HTTP\/1\.1 \d{3} /);
      }
    }
    await stillServes();
  });

  it('survives clients that reset mid-request and mid-response', async () => {
    const big: Application = function* (_environ, startResponse) {
      startResponse('200 OK', [['Content-Type', 'application/octet-stream']]);
      for (let i = 0; i < 256; i++) yield new Uint8Array(64 * 1024);
    };
    const other = await start(big);
    try {
      for (let i = 0; i < 5; i++) {
        const client = await RawClient.open(other.port);
        client.write('GET / HTTP/1.1\r\nHost: x\r\n\r\n');
        await new Promise((resolve) => setTimeout(resolve, 5));
        client.socket.resetAndDestroy();
        const half = await RawClient.open(other.port);
        half.write('POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\nabc');
        half.socket.resetAndDestroy();
      }
      const response = await undiciRequest(`${other.url}/`);
      expect(response.statusCode).toBe(200);
      await response.body.dump();
    } finally {
      await other.close();
    }
    await stillServes();
  });
});
