/**
 * connection.ts: persistence (RFC 9112 §9.3), pipelining in order (§9.3.2),
 * Connection: close (§9.6), timeouts, Expect: 100-continue (RFC 9110 §10.1.1)
 * and closing without losing the last answer.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Application } from '../../../grader/wsgi/types.ts';
import { bytes } from '../apps.ts';
import { RawClient, start, statusOf, type TestServer } from './helpers.ts';

/** Answers "METHOD PATH body" and counts its calls. */
const seen: string[] = [];
const echoRequest: Application = (environ, startResponse) => {
  const body = new TextDecoder().decode(environ['wsgi.input'].read());
  seen.push(`${environ.REQUEST_METHOD} ${environ.PATH_INFO}`);
  startResponse('200 OK', [['Content-Type', 'text/plain']]);
  return [bytes(`${environ.REQUEST_METHOD} ${environ.PATH_INFO ?? ''} ${body}`)];
};

const get = (path: string, extra = ''): string => `GET ${path} HTTP/1.1\r\nHost: x\r\n${extra}\r\n`;
const post = (path: string, body: string): string => `POST ${path} HTTP/1.1\r\nHost: x\r\nContent-Length: ${body.length}\r\n\r\n${body}`;

describe('persistent connections', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await start(echoRequest);
  });
  afterAll(() => server.close());

  it('keeps an HTTP/1.1 connection open for several requests', async () => {
    const client = await RawClient.open(server.port);
    try {
      for (const path of ['/one', '/two', '/three']) {
        client.write(get(path));
        const response = await client.response();
        expect(response.body.toString()).toBe(`GET ${path} `);
        expect(response.headers.connection).toBeUndefined();
      }
      expect(client.closed).toBe(false);
    } finally {
      client.destroy();
    }
  });

  it('closes an HTTP/1.0 connection after the response, saying so', async () => {
    const client = await RawClient.open(server.port);
    try {
      client.write('GET /old HTTP/1.0\r\n\r\n');
      const response = await client.response();
      expect(response.headers.connection).toBe('close');
      await client.untilClosed();
    } finally {
      client.destroy();
    }
  });

  it('keeps an HTTP/1.0 connection with Connection: keep-alive, and says so', async () => {
    const client = await RawClient.open(server.port);
    try {
      for (const path of ['/a', '/b']) {
        client.write(`GET ${path} HTTP/1.0\r\nConnection: keep-alive\r\n\r\n`);
        const response = await client.response();
        expect(response.headers.connection).toBe('keep-alive');
        expect(response.body.toString()).toBe(`GET ${path} `);
      }
    } finally {
      client.destroy();
    }
  });

  it('answers pipelined requests in order (RFC 9112 §9.3.2), bodies included', async () => {
    const client = await RawClient.open(server.port);
    try {
      client.write(get('/1') + post('/2', 'two') + get('/3'));
      expect((await client.response()).body.toString()).toBe('GET /1 ');
      expect((await client.response()).body.toString()).toBe('POST /2 two');
      expect((await client.response()).body.toString()).toBe('GET /3 ');
    } finally {
      client.destroy();
    }
  });

  it('answers pipelined requests sent byte by byte', async () => {
    const client = await RawClient.open(server.port);
    try {
      const text = get('/x') + post('/y', 'why');
      for (const char of text) client.write(char);
      expect((await client.response()).body.toString()).toBe('GET /x ');
      expect((await client.response()).body.toString()).toBe('POST /y why');
    } finally {
      client.destroy();
    }
  });

  it('after Connection: close, responds with Connection: close, closes, and processes nothing after', async () => {
    seen.length = 0;
    const client = await RawClient.open(server.port);
    try {
      client.write(get('/last', 'Connection: close\r\n') + get('/ignored'));
      const response = await client.response();
      expect(response.headers.connection).toBe('close');
      await client.untilClosed();
      expect(client.unread).toBe('');
      expect(seen).toEqual(['GET /last']);
    } finally {
      client.destroy();
    }
  });

  it('processes nothing after a request it refused', async () => {
    seen.length = 0;
    const client = await RawClient.open(server.port);
    try {
      client.write('GET / HTTP/1.1\r\n\r\n' + get('/after'));
      const response = await client.response();
      expect(response.status).toBe(400);
      await client.untilClosed();
      expect(client.unread).toBe('');
      expect(seen).toEqual([]);
    } finally {
      client.destroy();
    }
  });

  it('still answers a client that ended its side after sending the request', async () => {
    const client = await RawClient.open(server.port);
    try {
      client.write(get('/half'));
      client.socket.end();
      expect((await client.response()).body.toString()).toBe('GET /half ');
      await client.untilClosed();
    } finally {
      client.destroy();
    }
  });

  it('delivers an early error answer to a client that keeps sending its body', async () => {
    const client = await RawClient.open(server.port);
    try {
      client.write('POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 99999999\r\n\r\n');
      for (let i = 0; i < 64; i++) client.write(Buffer.alloc(16 * 1024, 0x61));
      const response = await client.response();
      expect(response.status).toBe(413);
      expect(response.headers.connection).toBe('close');
    } finally {
      client.destroy();
    }
  });
});

describe('timeouts', () => {
  it('closes an idle keep-alive connection after keepAliveTimeoutMs', async () => {
    const server = await start(echoRequest, { limits: { keepAliveTimeoutMs: 100 } });
    try {
      const client = await RawClient.open(server.port);
      client.write(get('/'));
      expect((await client.response()).status).toBe(200);
      await client.untilClosed();
      expect(client.unread).toBe('');
      client.destroy();
    } finally {
      await server.close();
    }
  });

  it.each([
    ['a started head does not complete', 'GET / HTTP/1.1\r\nHost: x\r\n'],
    ['a body never starts (the head came alone)', 'POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\n'],
    ['a body stops arriving', 'POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\nabc'],
  ])('answers 408 and closes when %s within headerTimeoutMs', async (_what, sent) => {
    const server = await start(echoRequest, { limits: { headerTimeoutMs: 100 } });
    try {
      const client = await RawClient.open(server.port);
      client.write(sent);
      await client.untilClosed();
      expect(statusOf(client.received.toString('latin1'))).toBe(408);
      client.destroy();
    } finally {
      await server.close();
    }
  });

  it('closes without an answer a connection that sends nothing within headerTimeoutMs', async () => {
    const server = await start(echoRequest, { limits: { headerTimeoutMs: 100 } });
    try {
      const client = await RawClient.open(server.port);
      await client.untilClosed();
      expect(client.received.length).toBe(0);
      client.destroy();
    } finally {
      await server.close();
    }
  });

  it('applies the header timeout, not the idle one, once a next request has started', async () => {
    const server = await start(echoRequest, { limits: { headerTimeoutMs: 100, keepAliveTimeoutMs: 60_000 } });
    try {
      const client = await RawClient.open(server.port);
      client.write(get('/'));
      await client.response();
      client.write('GET /slow');
      await client.untilClosed();
      expect(statusOf(client.unread)).toBe(408);
      client.destroy();
    } finally {
      await server.close();
    }
  });

});

describe('Expect: 100-continue (RFC 9110 §10.1.1)', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await start(echoRequest, { limits: { maxBodyBytes: 100 } });
  });
  afterAll(() => server.close());

  const head = (version: string, length: number): string =>
    `POST /up ${version}\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: ${length}\r\n\r\n`;

  it('sends 100 Continue before reading the body, then the response', async () => {
    const client = await RawClient.open(server.port);
    try {
      client.write(head('HTTP/1.1', 5));
      const interim = await client.response();
      expect(interim.rawHead).toBe('HTTP/1.1 100 Continue');
      client.write('hello');
      expect((await client.response()).body.toString()).toBe('POST /up hello');
    } finally {
      client.destroy();
    }
  });

  it('sends no 100 Continue when the body came with the head', async () => {
    const client = await RawClient.open(server.port);
    try {
      client.write(`${head('HTTP/1.1', 5)}hello`);
      const response = await client.response();
      expect(response.status).toBe(200);
    } finally {
      client.destroy();
    }
  });

  it('ignores Expect on HTTP/1.0', async () => {
    const client = await RawClient.open(server.port);
    try {
      client.write(head('HTTP/1.0', 5));
      await new Promise((resolve) => setTimeout(resolve, 20));
      client.write('hello');
      const response = await client.response();
      expect(response.status).toBe(200);
      expect(client.received.toString('latin1')).not.toContain('100 Continue');
    } finally {
      client.destroy();
    }
  });

  it('answers 413 instead of 100 Continue for a body over the limit', async () => {
    const client = await RawClient.open(server.port);
    try {
      client.write(head('HTTP/1.1', 101));
      const response = await client.response();
      expect(response.status).toBe(413);
      expect(client.received.toString('latin1')).not.toContain('100 Continue');
    } finally {
      client.destroy();
    }
  });
});
