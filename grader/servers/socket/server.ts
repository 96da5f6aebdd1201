/**
 * The socket server: WSGI over raw node:net with its own HTTP/1.1 parser, in
 * the spirit of waitress. Layers, one module each:
 *   limits.ts     defaults and bounds
 *   parser.ts     request line + header section (RFC 9112 §2-§5)
 *   receiver.ts   Content-Length and chunked bodies (RFC 9112 §6-§7)
 *   connection.ts the channel: buffering, pipelining, keep-alive, timeouts
 *   task.ts       environ + shared handler; response framing
 *   errors.ts     answers the server gives by itself
 *
 * The app runs for one request at a time across all connections (the shared
 * serial queue), so wsgi.multithread is false and the app is never re-entered.
 */
import { createServer, type AddressInfo, type Socket } from 'node:net';
import { formatAccessLine } from '../common/access-log.ts';
import { httpDate } from '../common/http-date.ts';
import { createSerialQueue } from '../common/serial-queue.ts';
import { serverSoftware } from '../common/software.ts';
import type { LogSink, RunningServer, ServerOptions, StartServer } from '../types.ts';
import type { HandlerHooks } from '../../wsgi/handler.ts';
import type { Application } from '../../wsgi/types.ts';
import { Connection, type ConnectionContext } from './connection.ts';
import { LINGER_MS, resolveLimits } from './limits.ts';
import { serveRequest, type TaskContext } from './task.ts';

const SOFTWARE = serverSoftware('socket');

function stderrLog(line: string): void {
  process.stderr.write(`${line}\n`);
}


/**
 * Start the socket server (grader/servers/types.ts StartServer). Resolves
 * once it listens; close() stops listening and ends every connection.
 */
export const startSocketServer: StartServer = async (app: Application, options: ServerOptions = {}): Promise<RunningServer> => {
  const limits = resolveLimits(options.limits);
  const log: LogSink = options.log ?? stderrLog;
  const application = options.validate ? (await import('../../wsgi/validate/index.ts')).validate(app) : app;
  const onAppError = options.onAppError;
  const hooks: HandlerHooks = { log, software: SOFTWARE, ...(onAppError !== undefined ? { onAppError } : {}) };
  const enqueue = createSerialQueue();
  const connections = new Set<Connection>();
  // allowHalfOpen: a client that ends its side after sending a request still gets the answer.
  const server = createServer({ allowHalfOpen: true });
  let task: TaskContext | undefined;

  const context: ConnectionContext = {
    limits,
    log,
    serve: (exchange) => enqueue(() => serveRequest(task!, exchange)),
    serverHeaders: () => ({ date: httpDate(), server: SOFTWARE }),
    logRefusal(request, status, remoteAddress) {
      log(
        formatAccessLine({
          ...(remoteAddress !== undefined ? { remoteAddress } : {}),
          time: new Date(),
          method: request?.method ?? '-',
          target: request?.target ?? '-',
          version: request?.version ?? '-',
          status,
          bytes: 0,
        }),
      );
    },
  };

  server.on('connection', (socket: Socket) => {
    try {
      const connection = new Connection(socket, context);
      connections.add(connection);
      void connection.closed.then(() => connections.delete(connection));
    } catch (error) {
      log(`socket server: could not set up a connection: ${error instanceof Error ? error.message : String(error)}`);
      socket.destroy();
    }
  });

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
  task = { app: application, hooks, log, errors: options.errors ?? log, serverPort: address.port, ...(options.onEnviron ? { onEnviron: options.onEnviron } : {}) };
  const host = options.host ?? '127.0.0.1';
  const urlHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;

  return {
    name: 'socket',
    url: `http://${urlHost}:${address.port}`,
    host,
    port: address.port,
    async close(): Promise<void> {
      const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
      // Idle connections close now; busy ones after their response; none outlives the linger.
      for (const connection of connections) connection.shutdown();
      const all = Promise.all([...connections].map((c) => c.closed));
      const timer = setTimeout(() => {
        for (const connection of connections) connection.destroy();
      }, LINGER_MS);
      await all;
      clearTimeout(timer);
      await stopped;
    },
  };
};
