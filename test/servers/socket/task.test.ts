/**
 * task.ts: response framing (RFC 9112 §6.3, §7; PEP 3333 "Handling the
 * Content-Length Header"), bodiless responses, errors, close(), backpressure.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Application, Bytes, Environ, Header, ResponseBody, StartResponse } from '../../../grader/wsgi/types.ts';
import { bytes, closeCalls, closeTracking, failAfterHeaders, failBeforeHeaders, generatorApp, hello } from '../apps.ts';
import { RawClient, start, type TestServer } from './helpers.ts';

const TEXT: Header = ['Content-Type', 'text/plain'];

/** Routes by path, so one server covers the framing cases. */
const routes: Record<string, Application> = {
  '/hello': hello,
  '/generator': generatorApp,
  '/declared': (_e, startResponse) => {
    startResponse('200 OK', [TEXT, ['Content-Length', '6']]);
    return [bytes('abc'), bytes('def')];
  },
  '/empty': (_e, startResponse) => {
    startResponse('200 OK', [TEXT]);
    return [];
  },
  '/no-content': (_e, startResponse) => {
    startResponse('204 No Content', [['Content-Length', '0']]);
    return [];
  },
  '/not-modified': (_e, startResponse) => {
    startResponse('304 Not Modified', [['ETag', '"x"']]);
    return [];
  },
  '/own-server': (_e, startResponse) => {
    startResponse('200 OK', [TEXT, ['Server', 'mine'], ['Date', 'Thu, 01 Jan 1970 00:00:00 GMT']]);
    return [bytes('x')];
  },
  '/short': (_e, startResponse) => {
    startResponse('200 OK', [TEXT, ['Content-Length', '10']]);
    return [bytes('abc')];
  },
  '/fail-before': failBeforeHeaders,
  '/fail-after': failAfterHeaders,
  '/close-tracking': closeTracking,
};
const router: Application = (environ, startResponse) => {
  const app = routes[environ.PATH_INFO ?? ''];
  if (app === undefined) {
    startResponse('404 Not Found', [TEXT]);
    return [bytes('no route')];
  }
  return app(environ, startResponse);
};

const req = (method: string, path: string, version = 'HTTP/1.1'): string =>
  `${method} ${path} ${version}\r\n${version === 'HTTP/1.1' ? 'Host: x\r\n' : ''}\r\n`;

describe('response framing', () => {
  let server: TestServer;
  let client: RawClient;
  beforeAll(async () => {
    server = await start(router);
  });
  afterAll(() => server.close());

  async function fresh(): Promise<RawClient> {
    client?.destroy();
    client = await RawClient.open(server.port);
    return client;
  }

  it('uses the app\'s Content-Length', async () => {
    const c = await fresh();
    c.write(req('GET', '/declared'));
    const response = await c.response();
    expect(response.headers['content-length']).toBe('6');
    expect(response.headers['transfer-encoding']).toBeUndefined();
    expect(response.body.toString()).toBe('abcdef');
  });

  it('computes Content-Length for a one-chunk body', async () => {
    const c = await fresh();
    c.write(req('GET', '/hello'));
    const response = await c.response();
    expect(response.headers['content-length']).toBe('12');
    expect(response.body.toString()).toBe('Hello, WSGI!');
  });

  it('sends Content-Length: 0 for an empty body', async () => {
    const c = await fresh();
    c.write(req('GET', '/empty'));
    expect((await c.response()).headers['content-length']).toBe('0');
  });

  it('uses chunked for a multi-chunk body on HTTP/1.1, and the connection persists', async () => {
    const c = await fresh();
    c.write(req('GET', '/generator'));
    const response = await c.response();
    expect(response.headers['transfer-encoding']).toBe('chunked');
    expect(response.headers['content-length']).toBeUndefined();
    expect(response.body.toString()).toBe('one two three');
    // The exact wire format: no empty chunk before the last one (it would end the body).
    expect(c.received.toString('latin1')).toContain('\r\n\r\n4\r\none \r\n4\r\ntwo \r\n5\r\nthree\r\n0\r\n\r\n');
    c.write(req('GET', '/hello'));
    expect((await c.response()).status).toBe(200);
  });

  it('delimits a multi-chunk body by closing on HTTP/1.0 (no chunked to a 1.0 client)', async () => {
    const c = await fresh();
    c.write('GET /generator HTTP/1.0\r\nConnection: keep-alive\r\n\r\n');
    const response = await c.response();
    expect(response.headers['transfer-encoding']).toBeUndefined();
    expect(response.headers['content-length']).toBeUndefined();
    expect(response.headers.connection).toBe('close');
    expect(response.body.toString()).toBe('one two three');
  });

  it('sends no body for HEAD, with the Content-Length a GET would have', async () => {
    const c = await fresh();
    c.write(req('HEAD', '/hello') + req('HEAD', '/generator') + req('GET', '/hello'));
    const head = await c.response({ head: true });
    expect(head.headers['content-length']).toBe('12');
    const streamed = await c.response({ head: true });
    expect(streamed.status).toBe(200);
    // Had any body bytes been sent, this would not parse as the next response.
    const get = await c.response();
    expect(get.body.toString()).toBe('Hello, WSGI!');
  });

  it('sends no body and no Content-Length for 204 (RFC 9110 §8.6), no body for 304', async () => {
    const c = await fresh();
    c.write(req('GET', '/no-content') + req('GET', '/not-modified') + req('GET', '/hello'));
    const noContent = await c.response();
    expect(noContent.status).toBe(204);
    expect(noContent.headers['content-length']).toBeUndefined();
    expect(noContent.headers['transfer-encoding']).toBeUndefined();
    const notModified = await c.response();
    expect(notModified.status).toBe(304);
    expect(notModified.headers['transfer-encoding']).toBeUndefined();
    expect((await c.response()).body.toString()).toBe('Hello, WSGI!');
  });

  it('adds Date and Server when the app has none, keeps the app\'s own', async () => {
    const c = await fresh();
    c.write(req('GET', '/hello') + req('GET', '/own-server'));
    const added = await c.response();
    expect(added.headers.date).toMatch(/^\w{3}, \d{2} \w{3} \d{4} \d{2}:\d{2}:\d{2} GMT$/);
    expect(added.headers.server).toMatch(/^socket\//);
    const own = await c.response();
    expect(own.headers.server).toBe('mine');
    expect(own.headers.date).toBe('Thu, 01 Jan 1970 00:00:00 GMT');
  });

  it('answers 500 when the app fails before headers, and keeps the connection', async () => {
    const c = await fresh();
    c.write(req('GET', '/fail-before') + req('GET', '/hello'));
    expect((await c.response()).status).toBe(500);
    expect((await c.response()).status).toBe(200);
  });

  it('closes the connection when the app fails after headers (no last chunk)', async () => {
    const c = await fresh();
    c.write(req('GET', '/fail-after'));
    await c.untilClosed();
    const text = c.received.toString('latin1');
    expect(text).toContain('first chunk, ');
    expect(text).not.toContain('\r\n0\r\n\r\n');
  });

  it('closes the connection when the body is shorter than the app\'s Content-Length', async () => {
    const c = await fresh();
    c.write(req('GET', '/short') + req('GET', '/hello'));
    await c.untilClosed();
    expect(c.received.toString('latin1').match(/HTTP\/1\.1 200/g)).toHaveLength(1);
  });

  it('calls close() on the result', async () => {
    const before = closeCalls.count;
    const c = await fresh();
    c.write(req('GET', '/close-tracking'));
    await c.response();
    expect(closeCalls.count).toBe(before + 1);
  });
});

describe('backpressure and disconnects', () => {
  const CHUNK = 64 * 1024;
  const COUNT = 1024; // 64 MiB if it were all produced

  it('does not drain a large body ahead of a slow reader, and close() runs when it leaves', async () => {
    let produced = 0;
    let closed = 0;
    let disconnectedSeen = false;
    const app: Application = (environ: Environ, startResponse: StartResponse): ResponseBody => {
      startResponse('200 OK', [['Content-Type', 'application/octet-stream']]);
      const isGone = environ['socket.client_disconnected'] as () => boolean;
      function* body(): Generator<Bytes> {
        for (let i = 0; i < COUNT; i++) {
          if (isGone()) disconnectedSeen = true;
          produced += 1;
          yield new Uint8Array(CHUNK);
        }
      }
      return Object.assign(body(), { close: () => void (closed += 1) });
    };
    const server = await start(app);
    try {
      const client = await RawClient.open(server.port);
      client.socket.pause(); // read nothing: the kernel buffers fill, then the server's
      client.write(req('GET', '/big'));
      // Wait until production stops moving (no timing asserted, only where it stalls).
      let last = -1;
      for (let stable = 0; stable < 10; ) {
        await new Promise((resolve) => setTimeout(resolve, 20));
        stable = produced === last ? stable + 1 : 0;
        last = produced;
      }
      expect(produced).toBeGreaterThan(0);
      expect(produced).toBeLessThan(COUNT / 2);
      client.destroy();
      for (let i = 0; i < 250 && closed === 0; i++) await new Promise((resolve) => setTimeout(resolve, 20));
      expect(closed).toBe(1);
      expect(produced).toBeLessThan(COUNT);
      expect(disconnectedSeen).toBe(false);
    } finally {
      await server.close();
    }
  });

  it('delivers the whole large body to a reader that resumes', async () => {
    let produced = 0;
    const app: Application = function* (_environ, startResponse) {
      startResponse('200 OK', [['Content-Type', 'application/octet-stream']]);
      for (let i = 0; i < 128; i++) {
        produced += 1;
        yield new Uint8Array(CHUNK).fill(i);
      }
    };
    const server = await start(app);
    try {
      const client = await RawClient.open(server.port);
      client.socket.pause();
      client.write(req('GET', '/big'));
      await new Promise((resolve) => setTimeout(resolve, 50));
      client.socket.resume();
      const response = await client.response();
      expect(response.body.length).toBe(128 * CHUNK);
      expect(response.body[127 * CHUNK]).toBe(127);
      expect(produced).toBe(128);
      client.destroy();
    } finally {
      await server.close();
    }
  });

  it('exposes socket.client_disconnected, false while the client is there', async () => {
    let value: unknown;
    const app: Application = (environ, startResponse) => {
      value = (environ['socket.client_disconnected'] as () => boolean)();
      startResponse('200 OK', [TEXT]);
      return [bytes('ok')];
    };
    const server = await start(app);
    try {
      const client = await RawClient.open(server.port);
      client.write(req('GET', '/'));
      await client.response();
      client.destroy();
      expect(value).toBe(false);
    } finally {
      await server.close();
    }
  });

  it('runs one app call at a time across connections, and skips a request whose client left while waiting', async () => {
    const events: string[] = [];
    const app: Application = (environ, startResponse) => {
      const path = environ.PATH_INFO ?? '';
      events.push(`start ${path}`);
      startResponse('200 OK', [['Content-Type', 'application/octet-stream']]);
      if (path !== '/big') return [bytes(path)];
      function* body(): Generator<Bytes> {
        for (let i = 0; i < 128; i++) yield new Uint8Array(64 * 1024);
      }
      return Object.assign(body(), { close: () => void events.push('close /big') });
    };
    const server = await start(app);
    try {
      const slow = await RawClient.open(server.port);
      slow.socket.pause();
      slow.write(req('GET', '/big'));
      while (!events.includes('start /big')) await new Promise((resolve) => setTimeout(resolve, 10));
      const gone = await RawClient.open(server.port);
      gone.write(req('GET', '/gone'));
      const waiting = await RawClient.open(server.port);
      waiting.write(req('GET', '/small'));
      const small = waiting.response();
      await new Promise((resolve) => setTimeout(resolve, 50));
      gone.socket.resetAndDestroy();
      // Give the server's event loop a few turns to see the reset (nothing is timed).
      await new Promise((resolve) => setTimeout(resolve, 100));
      slow.socket.resume();
      expect((await slow.response()).body.length).toBe(128 * 64 * 1024);
      expect((await small).body.toString()).toBe('/small');
      expect(events).toEqual(['start /big', 'close /big', 'start /small']);
      slow.destroy();
      waiting.destroy();
    } finally {
      await server.close();
    }
  });
});
