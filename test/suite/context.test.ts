// The TestContext against a real HTTP server (node:http), with a fake app link.
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { RequestRecord } from '../../grader/sandbox/types.ts';
import type { TestSpec } from '../../grader/suite/define.ts';
import { attachRecords, GradingContext, matchRecords } from '../../grader/suite/runtime/context.ts';
import { GradeFailure } from '../../grader/suite/runtime/grade-failure.ts';
import { HangLedger } from '../../grader/suite/runtime/hang-ledger.ts';
import { createClient, type AppClient } from '../../grader/suite/runtime/http.ts';

const spec: TestSpec = { id: 't.x', title: 'x', tier: 'core', points: 1, rule: 'The rule', hint: 'The hint' };

let server: Server;
let client: AppClient;
let records: RequestRecord[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const [path = '', query = ''] = (req.url ?? '').split('?');
      records.push({ environ: { REQUEST_METHOD: req.method ?? '', PATH_INFO: path, QUERY_STRING: query }, errors: path === '/boom' ? [{ message: 'TypeError: boom\n    at app.ts:3' }] : [], output: [] });
      if (path === '/hang') return;
      if (path === '/big') {
        res.writeHead(200, 'Fine', { 'Content-Type': 'text/plain' });
        res.end('y'.repeat(5000));
        return;
      }
      if (path === '/boom') {
        res.writeHead(500, { 'Content-Type': 'text/plain' });
        res.end('oops');
        return;
      }
      res.writeHead(200, { 'Content-Type': 'application/json', 'X-Twice': ['a', 'b'] });
      res.end(JSON.stringify({ method: req.method, body: Buffer.concat(chunks).toString() }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  client = createClient(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
});

afterAll(async () => {
  await client.destroy();
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

function context(requestTimeoutMs = 2000, ledger?: HangLedger): GradingContext {
  records = [];
  return new GradingContext({
    spec, server: 'simple', seed: 7, runSeed: 1, runs: 3, client, requestTimeoutMs,
    app: { fresh: async () => undefined },
    checkDeadline: () => undefined,
    ...(ledger === undefined ? {} : { ledger }),
  });
}

function failureOf(run: () => unknown): GradeFailure['failure'] {
  try {
    run();
  } catch (error) {
    if (error instanceof GradeFailure) return error.failure;
    throw error;
  }
  throw new Error('expected a GradeFailure');
}

describe('request()', () => {
  test('records the exchange, the curl line and (once records are attached) the environ', async () => {
    const t = context();
    const reply = await t.request('POST', '/todos?x=1', { json: { title: 'x' } });
    expect(reply.status).toBe(200);
    expect(reply.headers['x-twice']).toBe('a, b');
    expect(reply.rawHeaders.filter(([name]) => name.toLowerCase() === 'x-twice')).toHaveLength(2);
    attachRecords([t], records.splice(0));
    const [exchange] = t.transcript.exchanges();
    // The header fields as written to the socket, the client's own included.
    expect(exchange?.request).toEqual({
      method: 'POST', target: '/todos?x=1', body: '{"title":"x"}',
      headers: [['host', new URL(client.url).host], ['connection', 'keep-alive'], ['Content-Type', 'application/json'], ['content-length', '13']],
    });
    expect(exchange?.response?.status).toBe(200);
    expect(exchange?.environ).toEqual({ REQUEST_METHOD: 'POST', PATH_INFO: '/todos', QUERY_STRING: 'x=1' });
    expect(t.transcript.curl()).toEqual([
      `curl -i -X POST 'http://127.0.0.1:8000/todos?x=1' -H 'Content-Type: application/json' --data-binary '{"title":"x"}'`,
    ]);
  });

  test('a raw request is shown and replayed as written: no Content-Length at all, or Content-Length: 0', async () => {
    const t = context();
    await t.request('POST', '/todos', { headers: { 'Content-Type': 'application/json' }, raw: true });
    await t.request('POST', '/todos', { headers: { 'Content-Type': 'application/json', 'Content-Length': '0' }, raw: true });
    const [none, zero] = t.transcript.exchanges();
    expect(none?.request).toEqual({ method: 'POST', target: '/todos', headers: [['Host', new URL(client.url).host], ['Content-Type', 'application/json']] });
    expect(zero?.request.headers).toEqual([['Host', new URL(client.url).host], ['Content-Type', 'application/json'], ['Content-Length', '0']]);
    expect(t.transcript.curl()).toEqual([
      "curl -i -X POST http://127.0.0.1:8000/todos -H 'Content-Type: application/json'",
      "curl -i -X POST http://127.0.0.1:8000/todos -H 'Content-Type: application/json' -H 'Content-Length: 0'",
    ]);
  });

  test('cuts long bodies to an excerpt but hands the test the whole body', async () => {
    const t = context();
    const reply = await t.request('GET', '/big');
    expect(reply.text).toHaveLength(5000);
    expect(reply.reason).toBe('Fine');
    const response = t.transcript.exchanges()[0]?.response;
    expect(response?.body).toHaveLength(4096);
    expect(response?.bodyTruncated).toBe(true);
  });

  test('a request with no answer fails the test: "an infinite loop?"', async () => {
    const t = context(300);
    const error = await t.request('GET', '/hang').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GradeFailure);
    expect((error as GradeFailure).failure.message).toBe('no answer within 300 ms — an infinite loop?');
    expect(t.transportError?.kind).toBe('timeout');
    expect(t.transcript.exchanges()[0]?.error).toMatch(/infinite loop/);
  });

  test('requests that left a new app stuck before fail at once, unsent; other sequences are sent', async () => {
    const hung = new HangLedger();
    const first = context(300, hung);
    await first.request('GET', '/hang').catch(() => undefined);
    expect(first.hungSequence).toBeTypeOf('string');
    expect(first.failedRoute).toBe('GET /hang');
    // The engine adds a sequence once the process proved stuck (it no longer answered the grader).
    hung.stuck(first.failedRoute!, first.hungSequence!, 't.x');

    const again = context(300, hung);
    const error = await again.request('GET', '/hang').catch((e: unknown) => e);
    // Not sent: the server saw nothing.
    expect(records).toEqual([]);
    expect((error as GradeFailure).failure.message).toBe(
      'no answer within 300 ms — an infinite loop? (the same requests left a new app stuck in an earlier test, so they were not sent again)',
    );
    expect(again.transportError).toBeUndefined();
    expect(again.transcript.exchanges()).toMatchObject([{ request: { method: 'GET', target: '/hang' }, error: expect.stringMatching(/not sent again/) }]);
    expect(again.transcript.curl()).toEqual([expect.stringContaining('/hang')]);

    // After another request the app is in another state: the same request is sent.
    const other = context(300, hung);
    await other.request('GET', '/ok');
    expect(await other.request('GET', '/hang').catch((e: unknown) => (e as GradeFailure).failure.message)).toBe('no answer within 300 ms — an infinite loop?');
    // A new app starts the sequence over.
    await other.freshApp();
    expect(await other.request('GET', '/hang').catch((e: unknown) => (e as GradeFailure).failure.message)).toMatch(/not sent again/);
  });

  test('app errors recorded by the process are tied to their request', async () => {
    const t = context();
    await t.request('GET', '/ok');
    await t.request('GET', '/boom');
    attachRecords([t], records.splice(0));
    expect(t.appErrors).toEqual([{ error: { message: 'TypeError: boom\n    at app.ts:3' }, requestIndex: 1, status: 500 }]);
  });

  test('a long transcript keeps its first and last exchanges', async () => {
    const t = context();
    for (let i = 0; i < 45; i++) await t.request('GET', `/n${i}`);
    const targets = t.transcript.exchanges().map((e) => e.request.target);
    expect(targets).toHaveLength(40);
    expect(targets[0]).toBe('/n0');
    expect(targets[19]).toBe('/n19');
    expect(targets[20]).toBe('/n25');
    expect(targets.at(-1)).toBe('/n44');
    expect(t.transcript.curl()).toHaveLength(40);
  });

  test('clearTranscript() drops the exchanges, app errors and late records of the requests before it', async () => {
    const t = context();
    await t.request('GET', '/boom');
    await t.request('GET', '/ok');
    t.clearTranscript();
    await t.request('GET', '/ok');
    // Records arrive after the test, for every request it sent, cleared ones included.
    attachRecords([t], records.splice(0));
    expect(t.appErrors).toEqual([]);
    expect(t.transcript.exchanges().map((e) => e.request.target)).toEqual(['/ok']);
    expect(t.transcript.exchanges()[0]?.environ?.PATH_INFO).toBe('/ok');
    expect(t.droppedExchanges).toBe(2);
  });

  test('app errors recorded (and attached) before clearTranscript() are forgotten too', async () => {
    const t = context();
    await t.request('GET', '/boom');
    attachRecords([t], records.splice(0));
    expect(t.appErrors).toHaveLength(1);
    t.clearTranscript();
    expect(t.appErrors).toEqual([]);
  });

  test('keeps at most the transcript\'s exchanges however many requests a test sends, and counts the rest', async () => {
    const t = context();
    for (let i = 0; i < 100; i++) await t.request('GET', `/n${i}`);
    expect(t.requestCount()).toBe(100);
    expect(t.droppedExchanges).toBe(60);
    // Records still pair with the right requests: the kept ones get their environ.
    attachRecords([t], records.splice(0));
    const kept = t.transcript.exchanges();
    expect(kept.at(-1)?.environ?.PATH_INFO).toBe('/n99');
    expect(kept[20]?.environ?.PATH_INFO).toBe('/n80');
    expect(kept.every((e) => e.environ !== undefined)).toBe(true);
  });

  test('reading the seed marks a property test; the run seed is there to reproduce it', () => {
    const t = context();
    expect(t.runSeed).toBe(1);
    expect(t.seedUsed).toBe(false);
    expect(t.seed).toBe(7);
    expect(t.seedUsed).toBe(true);
  });
});

describe('assertions', () => {
  const reply = { status: 500, reason: 'Internal Server Error', headers: { 'content-type': 'text/html' }, rawHeaders: [], bytes: new Uint8Array(), text: '<p>' };

  test('expectStatus words the failure and defaults why/hint to the spec', () => {
    expect(failureOf(() => context().expectStatus(reply, 201))).toEqual({
      message: 'expected status 201, got 500 Internal Server Error', expected: 'status 201', actual: 'status 500 Internal Server Error',
      why: 'The rule', hint: 'The hint',
    });
    expect(failureOf(() => context().expectStatus(reply, [200, 204], { hint: 'Other' }))).toMatchObject({ expected: 'status 200 or 204', hint: 'Other' });
  });

  test('expectHeader, expectNoHeader, expectJson, expectEqual, expectTrue', () => {
    const t = context();
    expect(failureOf(() => t.expectHeader(reply, 'location')).message).toBe('the response has no Location header');
    expect(failureOf(() => t.expectHeader(reply, 'Content-Type', 'application/json')).message)
      .toBe('Content-Type is "text/html", expected "application/json"');
    expect(t.expectHeader(reply, 'content-type', /html/)).toBe('text/html');
    expect(failureOf(() => t.expectNoHeader(reply, 'Content-Type')).actual).toBe('Content-Type: "text/html"');
    expect(failureOf(() => t.expectJson(reply)).message).toBe('Content-Type is "text/html", expected application/json');
    const badJson = { ...reply, headers: { 'content-type': 'application/json; charset=utf-8' }, text: '{' };
    expect(failureOf(() => t.expectJson(badJson)).message).toMatch(/^the body is not valid JSON/);
    expect(failureOf(() => t.expectEqual({ a: 1 }, { a: 2 }, 'the to-do')).message).toBe('the to-do: .a is 1, expected 2');
    expect(failureOf(() => t.expectTrue(false, { message: 'nope', why: 'because' }))).toEqual({ message: 'nope', why: 'because', hint: 'The hint' });
  });
});

test('attachRecords spreads one drain over several tests, in order', async () => {
  const first = context();
  await first.request('GET', '/one');
  const second = context();
  await second.request('GET', '/boom');
  attachRecords([first, second], [
    { environ: { REQUEST_METHOD: 'GET', PATH_INFO: '/one' }, errors: [], output: [] },
    { environ: { REQUEST_METHOD: 'GET', PATH_INFO: '/boom' }, errors: [{ message: 'x' }], output: [] },
  ]);
  expect(first.transcript.exchanges()[0]?.environ?.PATH_INFO).toBe('/one');
  expect(first.appErrors).toEqual([]);
  expect(second.appErrors).toEqual([{ error: { message: 'x' }, requestIndex: 0, status: 500 }]);
});

test('matchRecords pairs records with requests by method and path, skipping requests that never reached the app', () => {
  const sent = ['/a', '/big-refused', '/b'].map((target) => ({ request: { method: 'POST', target, headers: [] }, durationMs: 0 }));
  const records = ['/a', '/b'].map((path) => ({ environ: { REQUEST_METHOD: 'POST', PATH_INFO: path }, errors: [], output: [] }));
  expect(matchRecords(records, sent).map(([, index]) => index)).toEqual([0, 2]);
});
