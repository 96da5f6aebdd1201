/**
 * The same applications under each server: what PEP 3333 requires of every
 * server holds for both. Parameterised by server name, never copied.
 */
import { Readable } from 'node:stream';
import { Agent, request } from 'undici';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { startServer, type InProcessServerName, type RunningServer, type ServerOptions } from '../../grader/servers/index.ts';
import { type Application, type Bytes, type Environ, type StartResponse } from '../../grader/wsgi/types.ts';
import { DEFAULT_TEST_SERVERS } from '../../grader/servers/names.ts';
import {
  boundMethod,
  bytes,
  closeCalls,
  closeTracking,
  echoBody,
  echoReadAll,
  environDump,
  excInfoApp,
  failAfterHeaders,
  failBeforeHeaders,
  generatorApp,
  hello,
  lazyStartApp,
  writeApp,
} from './apps.ts';

const agent = new Agent({ keepAliveTimeout: 1_000 });
afterAll(() => agent.close());

describe.each(DEFAULT_TEST_SERVERS as readonly InProcessServerName[])('%s server', (name) => {
  let running: RunningServer | undefined;
  let logs: string[] = [];

  afterEach(async () => {
    await running?.close();
    running = undefined;
  });

  async function serve(app: Application, options: ServerOptions = {}): Promise<string> {
    logs = [];
    running = await startServer(name, app, { log: (line) => logs.push(line), ...options });
    return running.url;
  }

  async function get(url: string, init: Parameters<typeof request>[1] = {}) {
    const response = await request(url, { dispatcher: agent, ...init });
    const body = Buffer.from(await response.body.arrayBuffer());
    return { status: response.statusCode, headers: response.headers, body, text: body.toString('utf8') };
  }

  it('serves a one-chunk app, adding Date and Server', async () => {
    const reply = await get(await serve(hello));
    expect(reply.status).toBe(200);
    expect(reply.text).toBe('Hello, WSGI!');
    expect(reply.headers['content-type']).toBe('text/plain; charset=utf-8');
    expect(reply.headers['content-length']).toBe('12');
    expect(reply.headers.date).toMatch(/ GMT$/);
    expect(reply.headers.server).toMatch(new RegExp(`^${name}/`));
  });

  it("keeps the app's own Date (once) and its reason phrase, whether or not it is the usual one", async () => {
    const dated = (status: string): Application => (_environ, startResponse) => {
      startResponse(status, [['Date', 'Thu, 01 Jan 1970 00:00:00 GMT'], ['Content-Length', '0']]);
      return [];
    };
    for (const [status, reason] of [['200 OK', 'OK'], ['200 Fine Thanks', 'Fine Thanks']]) {
      const response = await request(await serve(dated(status!)), { dispatcher: agent, responseHeaders: 'raw' });
      await response.body.text();
      const raw = response.headers as unknown as string[];
      expect(raw.filter((v, i) => i % 2 === 0 && v.toLowerCase() === 'date')).toHaveLength(1);
      expect(raw[raw.findIndex((v, i) => i % 2 === 0 && v.toLowerCase() === 'date') + 1]).toBe('Thu, 01 Jan 1970 00:00:00 GMT');
      expect(response.statusText).toBe(reason);
      await running?.close();
      running = undefined;
    }
  });

  it("sends the app's headers in its order, a repeated name as separate fields, its Content-Length once", async () => {
    const app: Application = (_environ, startResponse) => {
      startResponse('200 OK', [
        ['Set-Cookie', 'a=1'],
        ['Content-Type', 'text/plain'],
        ['Set-Cookie', 'b=2'],
        ['content-length', '2'],
      ]);
      return [bytes('ok')];
    };
    const response = await request(await serve(app), { dispatcher: agent, responseHeaders: 'raw' });
    expect(await response.body.text()).toBe('ok');
    const raw = response.headers as unknown as string[];
    const names = raw.filter((_v, i) => i % 2 === 0).map((n) => n.toLowerCase());
    expect(names.filter((n) => n === 'set-cookie')).toHaveLength(2);
    expect(names.filter((n) => n === 'content-length')).toHaveLength(1);
    const values = (name: string): string[] => raw.flatMap((v, i) => (i % 2 === 0 && v.toLowerCase() === name ? [raw[i + 1]!] : []));
    expect(values('set-cookie')).toEqual(['a=1', 'b=2']);
    expect(names.indexOf('set-cookie')).toBeLessThan(names.indexOf('content-type'));
  });

  it('builds the environ: decoded PATH_INFO, raw QUERY_STRING, string values', async () => {
    const url = await serve(environDump);
    const reply = await get(`${url}/caf%C3%A9/x%20y?q=a%20b&r`, { headers: { 'X-Custom': 'value' } });
    const environ = JSON.parse(reply.text) as Record<string, string>;
    expect(environ).toMatchObject({
      REQUEST_METHOD: 'GET',
      SCRIPT_NAME: '',
      PATH_INFO: '/café/x y',
      QUERY_STRING: 'q=a%20b&r',
      SERVER_PORT: String(running!.port),
      SERVER_PROTOCOL: 'HTTP/1.1',
      REMOTE_ADDR: '127.0.0.1',
      HTTP_X_CUSTOM: 'value',
      HTTP_HOST: `127.0.0.1:${running!.port}`,
    });
    expect(environ.SERVER_NAME).not.toBe('');
    expect(environ).not.toHaveProperty('HTTP_CONTENT_TYPE');
    expect(environ).not.toHaveProperty('HTTP_CONTENT_LENGTH');
  });

  it('passes each environ to onEnviron once, before the app runs', async () => {
    const seen: string[] = [];
    const app: Application = (environ, startResponse) => {
      seen.push(`app ${environ.PATH_INFO}`);
      return hello(environ, startResponse);
    };
    const url = await serve(app, { onEnviron: (environ) => seen.push(`observed ${String(environ.PATH_INFO)}`) });
    await get(`${url}/one`);
    await get(`${url}/two`);
    expect(seen).toEqual(['observed /one', 'app /one', 'observed /two', 'app /two']);
  });

  it('reads a body of CONTENT_LENGTH bytes through wsgi.input', async () => {
    const payload = Buffer.from([0, 1, 2, 250, 13, 10, 255]);
    const reply = await get(await serve(echoBody), { method: 'POST', body: payload });
    expect([...reply.body]).toEqual([...payload]);
  });

  it('reads the rest with read() and no size', async () => {
    const reply = await get(await serve(echoReadAll), { method: 'PUT', body: 'all of it' });
    expect(reply.text).toBe('all of it');
  });

  it('decodes a chunked request body; CONTENT_LENGTH is its decoded length', async () => {
    const url = await serve(echoBody);
    const body = Readable.from([Buffer.from('chunk one, '), Buffer.from('chunk two')]);
    const reply = await get(url, { method: 'POST', body });
    expect(reply.text).toBe('chunk one, chunk two');
  });

  it('streams a generator app; empty chunks are skipped', async () => {
    const reply = await get(await serve(generatorApp as Application));
    expect(reply.text).toBe('one two three');
  });

  it('streams a large body under backpressure', async () => {
    const chunk = new Uint8Array(64 * 1024).fill(0x61);
    function* big(_environ: Environ, startResponse: StartResponse): Generator<Bytes> {
      startResponse('200 OK', [['Content-Type', 'application/octet-stream']]);
      for (let i = 0; i < 64; i += 1) yield chunk;
    }
    const reply = await get(await serve(big as Application));
    expect(reply.body.byteLength).toBe(64 * chunk.byteLength);
  });

  it('supports the write() callable', async () => {
    expect((await get(await serve(writeApp))).text).toBe('written, then returned');
  });

  it('accepts start_response called lazily inside the generator', async () => {
    const reply = await get(await serve(lazyStartApp));
    expect(reply.status).toBe(201);
    expect(reply.headers['x-lazy']).toBe('yes');
    expect(reply.text).toBe('created lazily');
  });

  it('lets excInfo replace a 200 with a 500 before headers were sent', async () => {
    const reply = await get(await serve(excInfoApp));
    expect(reply.status).toBe(500);
    expect(reply.text).toBe('replaced by the app');
  });

  it('answers 500 when the app fails before headers, and logs the stack', async () => {
    const reply = await get(await serve(failBeforeHeaders));
    expect(reply.status).toBe(500);
    expect(reply.headers['content-type']).toMatch(/^text\/plain/);
    expect(reply.text).not.toContain('failure before headers');
    expect(logs.join('\n')).toContain('failure before headers');
    expect(logs.join('\n')).toMatch(/apps\.ts/);
  });

  it('tells an onAppError hook in the options about app errors', async () => {
    const errors: unknown[] = [];
    const options: ServerOptions = { onAppError: (error: unknown) => errors.push(error) };
    await get(await serve(failBeforeHeaders, options));
    expect(errors).toEqual([expect.objectContaining({ message: 'failure before headers' })]);
  });

  it('cuts the connection when the app fails after headers', async () => {
    const url = await serve(failAfterHeaders as Application);
    const response = await request(url, { dispatcher: agent });
    expect(response.statusCode).toBe(200);
    await expect(response.body.text()).rejects.toThrow();
    expect(logs.join('\n')).toContain('failure after headers');
  });

  it('cuts the connection when the body is shorter than the app\'s Content-Length', async () => {
    const url = await serve((_environ, startResponse) => {
      startResponse('200 OK', [['Content-Type', 'text/plain'], ['Content-Length', '10']]);
      return [bytes('short')];
    });
    const response = await request(url, { dispatcher: agent });
    await expect(response.body.text()).rejects.toThrow();
  });

  it('calls the result\'s close() once per request', async () => {
    const before = closeCalls.count;
    const url = await serve(closeTracking);
    await get(url);
    await get(url);
    expect(closeCalls.count - before).toBe(2);
  });

  it('calls a bound method of an instance, keeping its state', async () => {
    const url = await serve(boundMethod);
    const first = (await get(url)).text;
    const second = (await get(url)).text;
    expect(Number(second.split('#')[1])).toBe(Number(first.split('#')[1]) + 1);
  });

  it('answers HEAD without a body', async () => {
    const reply = await get(await serve(hello), { method: 'HEAD' });
    expect(reply.status).toBe(200);
    expect(reply.body.byteLength).toBe(0);
  });

  it('says the truth about threads and processes: one call at a time', async () => {
    const url = await serve((environ, startResponse) => {
      startResponse('200 OK', [['Content-Type', 'application/json']]);
      const flags = [environ['wsgi.multithread'], environ['wsgi.multiprocess'], environ['wsgi.run_once']];
      return [bytes(JSON.stringify(flags))];
    });
    expect(JSON.parse((await get(url)).text)).toEqual([false, false, false]);
  });

  it('wraps the app in validate() when asked', async () => {
    const noContentType: Application = (_environ, startResponse) => {
      startResponse('200 OK', []);
      return [bytes('untyped')];
    };
    expect((await get(await serve(noContentType))).status).toBe(200);
    await running!.close();
    expect((await get(await serve(noContentType, { validate: true }))).status).toBe(500);
    expect(logs.join('\n')).toContain('content-type-missing');
  });

  it('logs one Common Log Format line per request', async () => {
    const url = await serve(hello);
    await get(`${url}/logged?x=1`);
    const line = logs.find((entry) => entry.includes('/logged'));
    expect(line).toMatch(/^127\.0\.0\.1 - - \[\d{2}\/\w{3}\/\d{4}:\d{2}:\d{2}:\d{2} [+-]\d{4}\] "GET \/logged\?x=1 HTTP\/1\.1" 200 12$/);
  });
});
