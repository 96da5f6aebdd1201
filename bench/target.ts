/**
 * One benchmark target in its own process, so the load generator doesn't
 * share its event loop: `bare` (a plain node:http handler), `simple` or
 * `socket` (the kit's servers running a tiny to-do app). Prints its URL.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startServer, isInProcessServerName } from '../grader/servers/index.ts';
import type { Application } from '../grader/wsgi/types.ts';

/** The same small to-do JSON reply for every target. */
export const REPLY = Buffer.from(JSON.stringify([{ id: 1, title: 'Read PEP 3333', done: false }]));

const todoApp: Application = (_environ, startResponse) => {
  startResponse('200 OK', [
    ['Content-Type', 'application/json'],
    ['Content-Length', String(REPLY.length)],
  ]);
  return [REPLY];
};

async function main(name: string): Promise<void> {
  if (name === 'bare') {
    const server = createServer((_req, res) => {
      res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': REPLY.length });
      res.end(REPLY);
    });
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      process.stdout.write(`http://127.0.0.1:${port}\n`);
    });
    return;
  }
  if (!isInProcessServerName(name)) throw new Error(`unknown target "${name}": use bare, simple or socket`);
  // No request log: the benchmark measures serving, not writing to stderr.
  const running = await startServer(name, todoApp, { log: () => {} });
  process.stdout.write(`${running.url}\n`);
}

await main(process.argv[2] ?? 'bare');
