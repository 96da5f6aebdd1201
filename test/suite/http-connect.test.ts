/**
 * A request that never got a connection is a connection failure, not a hang
 * of the app: a firewall that drops packets must not read as "an infinite
 * loop?". undici's own connector option stands in for the network: one that
 * never connects is a dropped SYN; the app server is real.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Client } from 'undici';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { prepareRequest, send } from '../../grader/suite/runtime/http.ts';

// Answers nothing: a connected request that waits is the app's hang.
const server = createServer(() => undefined);
let url = '';

beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

test('no connection within the time limit: a connection failure', async () => {
  const client = new Client(url, { connect: () => undefined });
  const result = await send(client, prepareRequest('GET', '/todos'), 300);
  expect(result).toEqual({ ok: false, error: { kind: 'connection', message: 'could not connect to the app process within 300 ms' } });
  await client.destroy();
});

test('connected, no answer within the time limit: the app\'s hang', async () => {
  const client = new Client(url);
  const result = await send(client, prepareRequest('GET', '/todos'), 300);
  expect(result).toEqual({ ok: false, error: { kind: 'timeout', message: 'no answer within 300 ms — an infinite loop?' } });
  await client.destroy();
});
