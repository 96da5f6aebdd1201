/**
 * The socket server without its listener: give it accepted sockets, it
 * serves them — connection (framing, pipelining, timeouts), task (environ and
 * the WSGI bridge), one app call at a time. The socket server puts a listener
 * in front; a prefork worker feeds it the connections its master hands over.
 */
import type { Socket } from 'node:net';
import { formatAccessLine } from '../common/access-log.ts';
import { httpDate } from '../../wsgi/http-date.ts';
import { createSerialQueue } from '../common/serial-queue.ts';
import type { LogSink, ServerOptions, Service } from '../types.ts';
import type { EnvironPolicy } from '../../wsgi/environ.ts';
import { reportAppError, type HandlerHooks } from '../../wsgi/handler.ts';
import type { Application } from '../../wsgi/types.ts';
import { validate } from '../../wsgi/validate/index.ts';
import { Connection, type ConnectionContext } from './connection.ts';
import { LINGER_MS, resolveLimits } from './limits.ts';
import { serveRequest, type TaskContext } from './task.ts';
import { errorMessage } from '../../common/error-message.ts';

/** What makes the socket server `socket` or a prefork worker. */
export interface ServiceFlavour {
  /** SERVER_SOFTWARE and the Server header. */
  software: string;
  policy: Readonly<EnvironPolicy>;
  /** Prefix of the extension keys (PEP 3333 "environ Variables": named after the server). */
  prefix: string;
  /** More extension keys, the same for every request. */
  extensions?: Readonly<Record<string, unknown>>;
  /** False: close after every response (gunicorn's sync workers keep no connection open). */
  keepAlive: boolean;
}

/** Idle connections close on close(), busy ones after their response; none outlives the linger. */
export type SocketService = Service;

function stderrLog(line: string): void {
  process.stderr.write(`${line}\n`);
}

/** `serverPort` is SERVER_PORT: the listener's port (for a prefork worker, its master's). */
export function createSocketService(app: Application, options: ServerOptions, flavour: ServiceFlavour, serverPort: number): SocketService {
  const limits = resolveLimits(options.limits);
  const log: LogSink = options.log ?? stderrLog;
  const onAppError = options.onAppError;
  const hooks: HandlerHooks = { log, software: flavour.software, ...(onAppError !== undefined ? { onAppError } : {}) };
  // A violation is reported where the validator finds it: the app may catch what it throws.
  const application = options.validate ? validate(app, { onViolation: (violation, environ) => reportAppError(hooks, environ, violation) }) : app;
  const enqueue = createSerialQueue();
  const connections = new Set<Connection>();
  const task: TaskContext = {
    app: application,
    policy: flavour.policy,
    prefix: flavour.prefix,
    ...(flavour.extensions === undefined ? {} : { extensions: flavour.extensions }),
    keepAlive: flavour.keepAlive,
    hooks,
    log,
    errors: options.errors ?? log,
    serverPort,
    ...(options.onEnviron ? { onEnviron: options.onEnviron } : {}),
  };

  const context: ConnectionContext = {
    limits,
    log,
    serve: (exchange) => enqueue(() => serveRequest(task, exchange)),
    serverHeaders: () => ({ date: httpDate(), server: flavour.software }),
    logRefusal(request, status, remoteAddress) {
      log(
        formatAccessLine({
          ...(remoteAddress !== undefined ? { remoteAddress } : {}),
          time: Date.now(),
          method: request?.method ?? '-',
          target: request?.target ?? '-',
          version: request?.version ?? '-',
          status,
          bytes: 0,
        }),
      );
    },
  };

  return {
    accept(socket: Socket): void {
      try {
        // A client that ends its side after sending a request still gets the answer (as the listener's own sockets).
        socket.allowHalfOpen = true;
        const connection = new Connection(socket, context);
        connections.add(connection);
        void connection.closed.then(() => connections.delete(connection));
        // Accepted paused by whoever listens (so that it reads no byte of the request): reading starts here.
        socket.resume();
      } catch (error) {
        log(`${flavour.prefix} server: could not set up a connection: ${errorMessage(error)}`);
        socket.destroy();
      }
    },
    async close(): Promise<void> {
      for (const connection of connections) connection.shutdown();
      const all = Promise.all([...connections].map((c) => c.closed));
      const timer = setTimeout(() => {
        for (const connection of connections) connection.destroy();
      }, LINGER_MS);
      await all;
      clearTimeout(timer);
    },
    get size(): number {
      return connections.size;
    },
  };
}
