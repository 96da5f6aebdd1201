/**
 * parser.ts: request line and header section rules (RFC 9112 §2-§6), one
 * test per rule — unit tests on HeadParser, then the same malformed heads over
 * a real socket to check the status answered and that the connection closes.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_LIMITS, type SocketLimits } from '../../../grader/servers/socket/limits.ts';
import { HeadParser, checkTarget, type HeadResult } from '../../../grader/servers/socket/parser.ts';
import { hello } from '../apps.ts';
import { REJECTED, VALID } from './corpus.ts';
import { RawClient, exchange, start, statusOf, type TestServer } from './helpers.ts';

function parse(text: string | Buffer, limits: Partial<SocketLimits> = {}): HeadResult {
  const parser = new HeadParser({ ...DEFAULT_LIMITS, ...limits });
  return parser.push(typeof text === 'string' ? Buffer.from(text, 'latin1') : text);
}

/** Feed one byte at a time; the result must not depend on how bytes arrive. */
function parseBytewise(text: string, limits: Partial<SocketLimits> = {}): HeadResult {
  const parser = new HeadParser({ ...DEFAULT_LIMITS, ...limits });
  const bytes = Buffer.from(text, 'latin1');
  let result: HeadResult = { kind: 'incomplete' };
  for (let i = 0; i < bytes.length && result.kind === 'incomplete'; i++) result = parser.push(bytes.subarray(i, i + 1));
  return result;
}

function statusFor(result: HeadResult): number | 'complete' | 'incomplete' {
  return result.kind === 'error' ? result.error.status : result.kind;
}

function request(text: string): NonNullable<Extract<HeadResult, { kind: 'complete' }>['request']> {
  const result = parse(text);
  if (result.kind !== 'complete') throw new Error(`expected a complete head, got ${JSON.stringify(result)}`);
  return result.request;
}

const H = 'Host: example.test\r\n';

describe('HeadParser', () => {
  it.each(REJECTED)('rejects %s', (_rule, raw, status) => {
    expect(statusFor(parse(raw))).toBe(status);
    expect(statusFor(parseBytewise(raw))).toBe(status);
  });

  it('parses a simple request and returns what follows the head', () => {
    const result = parse(`GET /a?b=1 HTTP/1.1\r\n${H}X-Tab: a\tb \r\n\r\nNEXT`);
    expect(result.kind).toBe('complete');
    if (result.kind !== 'complete') return;
    expect(result.request).toMatchObject({ method: 'GET', target: '/a?b=1', version: 'HTTP/1.1', keepAlive: true, expectContinue: false, framing: { kind: 'none' } });
    // OWS trimmed around values; an inner HTAB kept (RFC 9110 §5.5).
    expect(result.request.headers).toEqual([['Host', 'example.test'], ['X-Tab', 'a\tb']]);
    expect(result.rest.toString()).toBe('NEXT');
  });

  it('gives the same result however the bytes are split (empty lines, pipelined bytes and bodies included)', () => {
    const heads = [...REJECTED.map(([, raw]) => raw), ...VALID, `\r\n\r\nGET / HTTP/1.1\r\n${H}\r\nGET /next HTTP/1.1\r\n`];
    /** What a result says, comparable across splits: the status, or the request and the bytes after it. */
    const summary = (result: HeadResult): unknown =>
      result.kind === 'complete' ? { request: result.request, rest: result.rest.toString('latin1') } : statusFor(result);
    fc.assert(
      fc.property(fc.constantFrom(...heads), fc.uniqueArray(fc.nat({ max: 200 }), { maxLength: 6 }), (raw, cuts) => {
        const bytes = Buffer.from(raw, 'latin1');
        const points = [...cuts.filter((cut) => cut > 0 && cut < bytes.length).sort((a, b) => a - b), bytes.length];
        const parser = new HeadParser(DEFAULT_LIMITS);
        let result: HeadResult = { kind: 'incomplete' };
        let from = 0;
        for (const to of points) {
          if (result.kind !== 'incomplete') break;
          result = parser.push(bytes.subarray(from, to));
          from = to;
        }
        // The bytes after the head: what the parser handed back, then what it was never given.
        if (result.kind === 'complete') result = { ...result, rest: Buffer.concat([result.rest, bytes.subarray(from)]) };
        expect(summary(result)).toEqual(summary(parse(raw)));
      }),
      { numRuns: 400 },
    );
  });

  it('gives the same result byte by byte', () => {
    const result = parseBytewise(`POST /x HTTP/1.1\r\n${H}Content-Length: 3\r\n\r\n`);
    expect(result.kind === 'complete' && result.request.framing).toEqual({ kind: 'length', length: 3 });
  });

  it('ignores empty lines before the request line (RFC 9112 §2.2)', () => {
    expect(request(`\r\n\r\nGET / HTTP/1.1\r\n${H}\r\n`).method).toBe('GET');
  });

  it('accepts absolute-form targets (RFC 9112 §3.2.2) and "*" for OPTIONS', () => {
    expect(request(`GET http://example.test/p?q=1 HTTP/1.1\r\n${H}\r\n`).target).toBe('http://example.test/p?q=1');
    expect(request(`OPTIONS * HTTP/1.1\r\n${H}\r\n`).target).toBe('*');
  });

  it('accepts HTTP/1.0 without Host and a valid empty Host (RFC 9110 §7.2)', () => {
    expect(request('GET / HTTP/1.0\r\n\r\n').version).toBe('HTTP/1.0');
    expect(request('GET / HTTP/1.1\r\nHost:\r\n\r\n').headers).toEqual([['Host', '']]);
  });

  it('accepts repeated identical Content-Length values (RFC 9110 §8.6)', () => {
    expect(request(`POST / HTTP/1.1\r\n${H}Content-Length: 5, 5\r\nContent-Length: 5\r\n\r\n`).framing).toEqual({ kind: 'length', length: 5 });
  });

  it('reads chunked case-insensitively', () => {
    expect(request(`POST / HTTP/1.1\r\n${H}Transfer-Encoding: Chunked\r\n\r\n`).framing).toEqual({ kind: 'chunked' });
  });

  it('keeps HTTP/1.1 alive unless Connection: close; HTTP/1.0 only with keep-alive (RFC 9112 §9.3)', () => {
    expect(request(`GET / HTTP/1.1\r\n${H}Connection: close\r\n\r\n`).keepAlive).toBe(false);
    expect(request(`GET / HTTP/1.1\r\n${H}Connection: foo, Close\r\n\r\n`).keepAlive).toBe(false);
    expect(request('GET / HTTP/1.0\r\n\r\n').keepAlive).toBe(false);
    expect(request('GET / HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n').keepAlive).toBe(true);
  });

  it('sees Expect: 100-continue on HTTP/1.1 only (RFC 9110 §10.1.1)', () => {
    expect(request(`POST / HTTP/1.1\r\n${H}Expect: 100-Continue\r\nContent-Length: 1\r\n\r\n`).expectContinue).toBe(true);
    expect(request('POST / HTTP/1.0\r\nExpect: 100-continue\r\nContent-Length: 1\r\n\r\n').expectContinue).toBe(false);
    expect(request('POST / HTTP/1.0\r\nExpect: nonsense\r\nContent-Length: 1\r\n\r\n').expectContinue).toBe(false);
  });

  it('answers 414 for a request line over maxRequestLine, complete or not', () => {
    const long = `GET /${'a'.repeat(100)} HTTP/1.1\r\n${H}\r\n`;
    expect(statusFor(parse(long, { maxRequestLine: 50 }))).toBe(414);
    // Without a line end yet: refused as soon as the limit is passed, not buffered on.
    expect(statusFor(parse(`GET /${'a'.repeat(100)}`, { maxRequestLine: 50 }))).toBe(414);
    expect(statusFor(parse(`GET /${'a'.repeat(40)} HTTP/1.1\r\n${H}\r\n`, { maxRequestLine: 60 }))).toBe('complete');
  });

  it('reads past its decoding window when empty lines fill it, and does not decode a large body with the head', () => {
    const limits = { maxRequestLine: 64, maxHeaderBytes: 64 };
    const result = parse(`${'\r\n'.repeat(200)}GET / HTTP/1.1\r\n${H}\r\n${'b'.repeat(5000)}`, limits);
    expect(result.kind === 'complete' && result.rest.length).toBe(5000);
  });

  it('answers 431 for a header section over maxHeaderBytes, complete or not', () => {
    const big = `X-Big: ${'b'.repeat(200)}\r\n`;
    expect(statusFor(parse(`GET / HTTP/1.1\r\n${H}${big}\r\n`, { maxHeaderBytes: 100 }))).toBe(431);
    expect(statusFor(parse(`GET / HTTP/1.1\r\n${H}X-Big: ${'b'.repeat(200)}`, { maxHeaderBytes: 100 }))).toBe(431);
    expect(statusFor(parse(`GET / HTTP/1.1\r\n${H}\r\n`, { maxHeaderBytes: 100 }))).toBe('complete');
  });

  it('answers 431 for more than maxHeaderCount fields', () => {
    const fields = Array.from({ length: 5 }, (_, i) => `X-${i}: ${i}\r\n`).join('');
    expect(statusFor(parse(`GET / HTTP/1.1\r\n${H}${fields}\r\n`, { maxHeaderCount: 5 }))).toBe(431);
    expect(statusFor(parse(`GET / HTTP/1.1\r\n${H}${fields}\r\n`, { maxHeaderCount: 6 }))).toBe('complete');
  });

  it('marks started only for bytes of a request, not for the empty lines before one', () => {
    const parser = new HeadParser(DEFAULT_LIMITS);
    parser.push(Buffer.from('\r\n\r'));
    expect(parser.started).toBe(false);
    parser.push(Buffer.from('\nG'));
    expect(parser.started).toBe(true);
  });

  it('checkTarget allows the characters browsers leave unencoded in queries', () => {
    expect(checkTarget('GET', '/todos?filter={"a":1}|x^y')).toBeUndefined();
    expect(checkTarget('GET', '/a%20b?q=100%')).toBeUndefined();
  });
});

describe('parser answers over a socket', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await start(hello);
  });
  afterAll(() => server.close());

  it.each(REJECTED)('answers %s with Connection: close and closes', async (_rule, raw, status) => {
    const text = await exchange(server.port, raw);
    expect(statusOf(text)).toBe(status);
    expect(text).toMatch(/\r\nConnection: close\r\n/);
    // Exactly one response: nothing after the error answer's body.
    const headEnd = text.indexOf('\r\n\r\n') + 4;
    const length = Number(/\r\nContent-Length: (\d+)\r\n/.exec(text)?.[1]);
    expect(text.length).toBe(headEnd + length);
  });

  it('answers 414 and 431 with the configured limits', async () => {
    const small = await start(hello, { limits: { maxRequestLine: 64, maxHeaderBytes: 128, maxHeaderCount: 3 } });
    try {
      expect(statusOf(await exchange(small.port, `GET /${'a'.repeat(100)} HTTP/1.1\r\n${H}\r\n`))).toBe(414);
      expect(statusOf(await exchange(small.port, `GET / HTTP/1.1\r\n${H}X-Big: ${'b'.repeat(200)}\r\n\r\n`))).toBe(431);
      expect(statusOf(await exchange(small.port, `GET / HTTP/1.1\r\n${H}A: 1\r\nB: 2\r\nC: 3\r\n\r\n`))).toBe(431);
    } finally {
      await small.close();
    }
  });

  it('logs a refused request in Common Log Format', async () => {
    const before = server.logs.length;
    await exchange(server.port, 'GET / HTTP/2.0\r\n\r\n');
    expect(server.logs.slice(before)).toEqual([expect.stringMatching(/^127\.0\.0\.1 - - \[.+\] "- - -" 505 -$/)]);
  });

  it('serves a request after empty lines, and absolute-form targets', async () => {
    const client = await RawClient.open(server.port);
    try {
      client.write(`\r\nGET http://example.test/x HTTP/1.1\r\n${H}\r\n`);
      const response = await client.response();
      expect(response.status).toBe(200);
      expect(response.body.toString()).toBe('Hello, WSGI!');
    } finally {
      client.destroy();
    }
  });
});
