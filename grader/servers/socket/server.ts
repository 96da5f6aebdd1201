/**
 * The socket server: WSGI over raw node:net with its own HTTP/1.1 parser, in
 * the spirit of waitress. Layers, one module each:
 *   limits.ts     defaults and bounds
 *   parser.ts     request line + header section (RFC 9112 §2-§5)
 *   receiver.ts   Content-Length and chunked bodies (RFC 9112 §6-§7)
 *   connection.ts the channel: buffering, pipelining, keep-alive, timeouts
 *   task.ts       environ + shared handler; response framing
 *   errors.ts     answers the server gives by itself
 *   service.ts    all of the above for accepted sockets
 *   server.ts     (here) the listener in front of the service
 *
 * The app runs for one request at a time across all connections (the shared
 * serial queue), so wsgi.multithread is false and the app is never re-entered.
 */
import { createServer, type AddressInfo, type Socket } from 'node:net';
import { serverSoftware } from '../common/software.ts';
import type { LogSink, RunningServer, ServerOptions, StartServer } from '../types.ts';
import type { Application } from '../../wsgi/types.ts';
import { createSocketService, type ServiceFlavour } from './service.ts';
import { SOCKET_POLICY } from './task.ts';

export const SOCKET_FLAVOUR: Readonly<ServiceFlavour> = Object.freeze({
  software: serverSoftware('socket'),
  policy: SOCKET_POLICY,
  prefix: 'socket',
  keepAlive: true,
});

/**
 * Start the socket server (grader/servers/types.ts StartServer). Resolves
 * once it listens; close() stops listening and ends every connection.
 */
export const startSocketServer: StartServer = async (app: Application, options: ServerOptions = {}): Promise<RunningServer> => {
  const log: LogSink = options.log ?? ((line) => process.stderr.write(`${line}\n`));
  // allowHalfOpen: a client that ends its side after sending a request still gets the answer.
  const server = createServer({ allowHalfOpen: true });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  // After listen, a server error (e.g. EMFILE on accept) is logged, not thrown.
  server.on('error', (error: Error) => log(`socket server: ${error.message}`));

  const address = server.address() as AddressInfo;
  const service = createSocketService(app, { ...options, log }, SOCKET_FLAVOUR, address.port);
  server.on('connection', (socket: Socket) => service.accept(socket));
  const host = options.host ?? '127.0.0.1';
  const urlHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;

  return {
    name: 'socket',
    url: `http://${urlHost}:${address.port}`,
    host,
    port: address.port,
    async close(): Promise<void> {
      const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
      await service.close();
      await stopped;
    },
  };
};
