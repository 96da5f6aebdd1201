/**
 * A request that never got a connection is a connection failure, not a hang
 * of the app: a firewall that drops packets must not read as "an infinite
 * loop?". The client's connect function stands in for the network: a socket
 * that never connects is a dropped SYN; the app server is real.
 */
import { createServer } from 'node:http';
import { Socket, type AddressInfo } from 'node:net';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { createClient, prepareRequest, send } from '../../grader/suite/runtime/http.ts';

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
  const client = createClient(url, () => Object.defineProperty(new Socket(), 'connecting', { value: true }));
  const result = await send(client, prepareRequest('GET', '/todos'), 300);
  expect(result).toMatchObject({ ok: false, error: { kind: 'connection', message: 'could not connect to the app process within 300 ms' } });
  await client.destroy();
});

test('connected, no answer within the time limit: the app\'s hang', async () => {
  const client = createClient(url);
  const result = await send(client, prepareRequest('GET', '/todos'), 300);
  expect(result).toMatchObject({ ok: false, error: { kind: 'timeout', message: 'no answer within 300 ms — an infinite loop?' } });
  await client.destroy();
});
