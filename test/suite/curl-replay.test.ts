/**
 * The curl line replays the request the grader sent: a server on loopback
 * records the header fields and body it receives from the grader's own
 * client (through the transcript's curl line's source, the bytes written)
 * and then from real curl running that line; they must be the same, but
 * for what curl adds that no test is about (User-Agent, Accept) and Host.
 */
import { execFile } from 'node:child_process';
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RequestOptions } from '../../grader/suite/define.ts';
import { curlCommand } from '../../grader/suite/runtime/curl.ts';
import { createClient, prepareRequest, send } from '../../grader/suite/runtime/http.ts';
import { parseWireRequest } from '../../grader/suite/runtime/transcript.ts';

const run = promisify(execFile);

async function hasCurl(): Promise<boolean> {
  if (process.platform === 'win32') return false;
  try {
    await run('curl', ['--version']);
    return true;
  } catch {
    return false;
  }
}

interface Seen {
  method: string;
  url: string;
  headers: string[];
  body: string;
}

/** Header fields as received, but for those curl sets on its own and no test is about. */
const IGNORED = new Set(['host', 'user-agent', 'accept', 'connection']);

let server: Server;
let url: string;
const seen: Seen[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const headers: string[] = [];
      for (let i = 0; i + 1 < req.rawHeaders.length; i += 2) {
        const name = req.rawHeaders[i]!.toLowerCase();
        if (!IGNORED.has(name)) headers.push(`${name}: ${req.rawHeaders[i + 1]}`);
      }
      seen.push({ method: req.method ?? '', url: req.url ?? '', headers, body: Buffer.concat(chunks).toString('latin1') });
      res.writeHead(200, { 'Content-Type': 'text/plain' });
      res.end('ok');
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(() => {
  server.closeAllConnections();
  server.close();
});

const CASES: Array<[string, string, string, RequestOptions]> = [
  ['a JSON POST', 'POST', '/todos', { json: { title: 'Buy milk ☕' } }],
  ['a POST with no Content-Length at all', 'POST', '/todos', { headers: { 'Content-Type': 'application/json' }, raw: true }],
  ['a POST with Content-Length: 0 (the client adds it)', 'POST', '/todos', { headers: { 'Content-Type': 'application/json' } }],
  ['a POST with Content-Length: 0 (raw)', 'POST', '/todos', { headers: { 'Content-Type': 'application/json', 'Content-Length': '0' }, raw: true }],
  ['a body without Content-Type', 'PUT', '/todos/1', { body: '{"title":"x","done":true}' }],
  ['a chunked body', 'POST', '/todos', { json: { title: 'chunks' }, chunked: true }],
  ['a large body', 'POST', '/todos', { body: 'a'.repeat(3000), headers: { 'Content-Type': 'application/json' } }],
  ['a DELETE', 'DELETE', '/todos/7', {}],
  ['a GET with a query and a header', 'GET', '/todos?done=true&page=2', { headers: { 'If-None-Match': '"abc"' } }],
];

describe.runIf(await hasCurl())('the curl line sends what the grader sent', () => {
  it.each(CASES)('%s', async (_name, method, target, options) => {
    seen.length = 0;
    const client = createClient(url);
    const prepared = prepareRequest(method, target, options);
    const result = await send(client, prepared, 5_000);
    await client.close();
    expect(result.ok).toBe(true);
    const wire = parseWireRequest(result.wire);
    expect(wire).toBeDefined();
    const line = curlCommand({ method, target, headers: wire!.headers, ...(prepared.body === undefined ? {} : { body: prepared.body }) }, url, 'posix');
    await run('bash', ['-c', `${line} > /dev/null`]);
    expect(seen).toHaveLength(2);
    const [graded, replayed] = seen;
    expect(replayed, line).toEqual(graded);
  });
});
