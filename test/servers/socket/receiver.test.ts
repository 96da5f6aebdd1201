/**
 * receiver.ts: Content-Length and chunked bodies (RFC 9112 §6.2, §7.1), fed
 * whole, split and byte by byte; then the same over a socket.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_LIMITS, MAX_CHUNK_LINE, type SocketLimits } from '../../../grader/servers/socket/limits.ts';
import { createReceiver, type ReceiveResult } from '../../../grader/servers/socket/receiver.ts';
import type { BodyFraming } from '../../../grader/servers/socket/parser.ts';
import type { Application } from '../../../grader/wsgi/types.ts';
import { echoBody, environDump } from '../apps.ts';
import { RawClient, exchange, start, statusOf, type TestServer } from './helpers.ts';

const CHUNKED: BodyFraming = { kind: 'chunked' };

interface Received {
  result: ReceiveResult;
  body: string;
  /** What followed the body: the rest of the completing push and the parts never pushed. */
  after: string;
}

/** Push `parts` in order until the receiver is done. */
function receive(framing: BodyFraming, parts: Array<string | Buffer>, limits: Partial<SocketLimits> = {}): Received {
  const receiver = createReceiver(framing, { ...DEFAULT_LIMITS, ...limits });
  let result: ReceiveResult = { kind: 'more' };
  let i = 0;
  while (i < parts.length && result.kind === 'more') {
    const part = parts[i++]!;
    result = receiver.push(typeof part === 'string' ? Buffer.from(part, 'latin1') : part);
  }
  const unpushed = parts.slice(i).map((p) => p.toString()).join('');
  const after = result.kind === 'complete' ? result.rest.toString('latin1') + unpushed : `<${result.kind}>`;
  return { result, body: receiver.body().toString('latin1'), after };
}

const bytewise = (text: string): string[] => [...text];

function outcome(r: Received): number | string {
  return r.result.kind === 'error' ? r.result.error.status : r.result.kind;
}

function rest(r: Received): string {
  return r.after;
}

describe('Content-Length bodies (RFC 9112 §6.2)', () => {
  it('reads exactly Content-Length bytes and returns the rest (a pipelined request)', () => {
    const r = receive({ kind: 'length', length: 5 }, ['hel', 'loGET / ']);
    expect(r.body).toBe('hello');
    expect(rest(r)).toBe('GET / ');
  });

  it('waits for more when the body is short', () => {
    expect(outcome(receive({ kind: 'length', length: 5 }, ['hel']))).toBe('more');
  });

  it('is complete at once without a body', () => {
    const r = receive({ kind: 'none' }, ['NEXT']);
    expect(r.body).toBe('');
    expect(rest(r)).toBe('NEXT');
  });
});

describe('chunked bodies (RFC 9112 §7.1)', () => {
  const body = '5\r\nhello\r\n1;name=value;quoted="a \\" b"\r\n \r\nA\r\n0123456789\r\n0\r\n\r\nNEXT';

  it('decodes chunks, ignoring extensions', () => {
    const r = receive(CHUNKED, [body]);
    expect(r.body).toBe('hello 0123456789');
    expect(rest(r)).toBe('NEXT');
  });

  it('decodes the same byte by byte and split anywhere', () => {
    const one = receive(CHUNKED, bytewise(body));
    expect(one.body).toBe('hello 0123456789');
    expect(rest(one)).toBe('NEXT');
    for (let cut = 1; cut < body.length; cut++) {
      const r = receive(CHUNKED, [body.slice(0, cut), body.slice(cut)]);
      expect(r.body, `split at ${cut}`).toBe('hello 0123456789');
      expect(rest(r)).toBe('NEXT');
    }
  });

  it('drops trailers (RFC 9112 §7.1.2) and returns what follows them', () => {
    const r = receive(CHUNKED, ['3\r\nabc\r\n0\r\nX-Trailer: t\r\nHost: evil\r\n\r\nNEXT']);
    expect(r.body).toBe('abc');
    expect(rest(r)).toBe('NEXT');
  });

  it('accepts upper- and lower-case hex sizes', () => {
    expect(receive(CHUNKED, ['a\r\n0123456789\r\nA\r\n0123456789\r\n0\r\n\r\n']).body).toHaveLength(20);
  });

  it.each([
    ['a negative size', '-5\r\nhello\r\n0\r\n\r\n'],
    ['a "0x" prefix', '0x5\r\nhello\r\n0\r\n\r\n'],
    ['a space before the size', ' 5\r\nhello\r\n0\r\n\r\n'],
    ['a space after the size without extension', '5 \r\nhello\r\n0\r\n\r\n'],
    ['an empty size line', '\r\nhello\r\n0\r\n\r\n'],
    ['a non-hex size', 'zz\r\nhello\r\n0\r\n\r\n'],
    ['more than 16 hex digits', '00000000000000005\r\nhello\r\n0\r\n\r\n'],
    ['data longer than the size (no CRLF after it)', '3\r\nhello\r\n0\r\n\r\n'],
    ['a bare LF after the size', '5\nhello\r\n0\r\n\r\n'],
    ['a bare CR in the size line', '5\r;a\r\nhello\r\n0\r\n\r\n'],
    ['an invalid extension', '5;=x\r\nhello\r\n0\r\n\r\n'],
    ['an invalid trailer line', '0\r\nnot a field\r\n\r\n'],
    ['a control character in a trailer', '0\r\nX-T: a\x01b\r\n\r\n'],
  ])('answers 400 for %s', (_what, text) => {
    expect(outcome(receive(CHUNKED, [text]))).toBe(400);
    expect(outcome(receive(CHUNKED, bytewise(text)))).toBe(400);
  });

  it('bounds chunk extensions: a size line over the limit is 400 even before its end arrives', () => {
    const long = `5;x=${'a'.repeat(MAX_CHUNK_LINE)}`;
    expect(outcome(receive(CHUNKED, [`${long}\r\nhello\r\n0\r\n\r\n`]))).toBe(400);
    expect(outcome(receive(CHUNKED, [long]))).toBe(400);
  });

  it('answers 413 when the decoded body would pass maxBodyBytes, before buffering the chunk', () => {
    expect(outcome(receive(CHUNKED, ['b\r\n'], { maxBodyBytes: 10 }))).toBe(413);
    // Several chunks adding up past the limit.
    expect(outcome(receive(CHUNKED, ['6\r\nhello \r\n', '6\r\n'], { maxBodyBytes: 10 }))).toBe(413);
    expect(receive(CHUNKED, ['5\r\nhello\r\n5\r\nworld\r\n0\r\n\r\n'], { maxBodyBytes: 10 }).body).toBe('helloworld');
  });

  it('answers 431 for a trailer section over maxHeaderBytes', () => {
    const trailer = `0\r\nX-T: ${'t'.repeat(200)}\r\n\r\n`;
    expect(outcome(receive(CHUNKED, [trailer], { maxHeaderBytes: 100 }))).toBe(431);
    expect(outcome(receive(CHUNKED, bytewise(trailer), { maxHeaderBytes: 100 }))).toBe(431);
  });
});

describe('bodies over a socket', () => {
  let server: TestServer;
  let calls = 0;
  const counting: Application = (environ, startResponse) => {
    calls += 1;
    return echoBody(environ, startResponse);
  };
  beforeAll(async () => {
    server = await start(counting, { limits: { maxBodyBytes: 64 } });
  });
  afterAll(() => server.close());

  it('decodes a chunked body sent in pieces, with pauses between them', async () => {
    const client = await RawClient.open(server.port);
    try {
      const pieces = ['POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n4\r', '\nwiki\r\n5;e=1\r\npe', 'dia\r\n0\r\nX-T: 1\r\n', '\r\n'];
      for (const piece of pieces) {
        client.write(piece);
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      const response = await client.response();
      expect(response.body.toString()).toBe('wikipedia');
    } finally {
      client.destroy();
    }
  });

  it('answers 400 for a bad chunk size and 413 for a body over the limit, closing each time', async () => {
    const bad = await exchange(server.port, 'POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n');
    expect(statusOf(bad)).toBe(400);
    expect(bad).toContain('Connection: close');
    const big = await exchange(server.port, `POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n41\r\n${'x'.repeat(65)}\r\n0\r\n\r\n`);
    expect(statusOf(big)).toBe(413);
    const declared = await exchange(server.port, `POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 65\r\n\r\n${'x'.repeat(65)}`);
    expect(statusOf(declared)).toBe(413);
  });

  it('does not call the app when the client closes mid-body (RFC 9112 §8)', async () => {
    const before = calls;
    const client = await RawClient.open(server.port);
    client.write('POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\nabc');
    client.socket.end();
    await client.untilClosed();
    expect(client.received.length).toBe(0);
    const chunked = await RawClient.open(server.port);
    chunked.write('POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n');
    chunked.socket.end();
    await chunked.untilClosed();
    expect(chunked.received.length).toBe(0);
    expect(calls).toBe(before);
  });
});

describe('the environ of a chunked request', () => {
  it('has CONTENT_LENGTH as the decoded length, no HTTP_TRANSFER_ENCODING, no trailers', async () => {
    const server = await start(environDump);
    try {
      const client = await RawClient.open(server.port);
      client.write('POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n2\r\nde\r\n0\r\nX-Trailer: t\r\n\r\n');
      const environ = JSON.parse((await client.response()).body.toString()) as Record<string, string>;
      client.destroy();
      expect(environ.CONTENT_LENGTH).toBe('5');
      expect(environ).not.toHaveProperty('HTTP_TRANSFER_ENCODING');
      expect(environ).not.toHaveProperty('HTTP_X_TRAILER');
    } finally {
      await server.close();
    }
  });

  it('hands the app exactly the decoded bytes, binary included', async () => {
    const server = await start(echoBody);
    try {
      const payload = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
      const client = await RawClient.open(server.port);
      client.write('POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n100\r\n');
      client.write(payload);
      client.write('\r\n0\r\n\r\n');
      const response = await client.response();
      client.destroy();
      expect(Buffer.compare(response.body, payload)).toBe(0);
    } finally {
      await server.close();
    }
  });
});
