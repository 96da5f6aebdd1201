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
 *   server.ts     (here) the service behind a listener (common/listen.ts)
 *
 * The app runs for one request at a time across all connections (the shared
 * serial queue), so wsgi.multithread is false and the app is never re-entered.
 */
import { listen } from '../common/listen.ts';
import { serverSoftware } from '../common/software.ts';
import type { RunningServer, ServerOptions, StartServer } from '../types.ts';
import type { Application } from '../../wsgi/types.ts';
import { createSocketService, type ServiceFlavour } from './service.ts';
import { SOCKET_POLICY } from './task.ts';

export const SOCKET_FLAVOUR: Readonly<ServiceFlavour> = Object.freeze({
  software: serverSoftware('socket'),
  policy: SOCKET_POLICY,
  prefix: 'socket',
  keepAlive: true,
});

/** Start the socket server (grader/servers/types.ts StartServer): a listener in front of the service. */
export const startSocketServer: StartServer = (app: Application, options: ServerOptions = {}): Promise<RunningServer> =>
  listen('socket', options, (serverPort) => createSocketService(app, options, SOCKET_FLAVOUR, serverPort));
