/**
 * The registry of servers: start any of them by name with the same options.
 */
import type { Application } from '../wsgi/types.ts';
import type { ServerName } from './names.ts';
import type { RunningServer, ServerOptions, Service, StartServer } from './types.ts';
import { createSimpleService, startSimpleServer } from './simple/server.ts';
import { createSocketService } from './socket/service.ts';
import { SOCKET_FLAVOUR, startSocketServer } from './socket/server.ts';

/** The servers that run an app function in this process (prefork runs a module in worker processes: grader/sandbox). */
export type InProcessServerName = Exclude<ServerName, 'prefork'>;

export const SERVERS: Record<InProcessServerName, StartServer> = {
  simple: startSimpleServer,
  socket: startSocketServer,
};

/** The same servers without a listener, for connections accepted elsewhere; `serverPort` is SERVER_PORT. */
export const SERVICES: Record<InProcessServerName, (app: Application, options: ServerOptions, serverPort: number) => Service> = {
  simple: createSimpleService,
  socket: (app, options, serverPort) => createSocketService(app, options, SOCKET_FLAVOUR, serverPort),
};

export function isInProcessServerName(name: string): name is InProcessServerName {
  return Object.hasOwn(SERVERS, name);
}

export function startServer(name: InProcessServerName, app: Application, options?: ServerOptions): Promise<RunningServer> {
  return SERVERS[name](app, options);
}

export type { RunningServer, ServerOptions, Service, StartServer } from './types.ts';
